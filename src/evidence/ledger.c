/* ledger.c — the evidence ledger: canonical JSON, the hash chain, signing
 * keys, checkpoints and verification.  The formats are specified in
 * docs/evidence.md; change them only with a new version tag. */
#include "evidence/ledger.h"
#include "http/app.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char ZERO_HASH[LEDGER_HEX_LEN + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

#define PAGE_ROWS 256

static bool int_ok(int64_t v) { return v >= -LEDGER_INT_MAX && v <= LEDGER_INT_MAX; }

/* ======================================================================
 * Canonical JSON (RFC 8785 with integers only)
 * ==================================================================== */

/* A JSON string: UTF-8 as it is, the escapes of RFC 8785 §3.2.2.2. */
static bool put_string(Buf *out, const char *s, size_t n)
{
    if (!utf8_valid(s, n)) return false;        /* also refuses U+0000 */
    buf_putc(out, '"');
    size_t run = 0;                             /* bytes copied as they are */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char hex[8];
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\t': esc = "\\t"; break;
        case '\n': esc = "\\n"; break;
        case '\f': esc = "\\f"; break;
        case '\r': esc = "\\r"; break;
        default:
            if (c < 0x20) {
                snprintf(hex, sizeof hex, "\\u%04x", c);
                esc = hex;
            }
        }
        if (!esc) continue;
        buf_append(out, s + run, i - run);
        buf_puts(out, esc);
        run = i + 1;
    }
    buf_append(out, s + run, n - run);
    buf_putc(out, '"');
    return true;
}

/* UTF-16 code units of a valid UTF-8 string, one at a time: JCS sorts
 * member names by them (so U+1F600 sorts before U+E000, unlike bytes). */
typedef struct { const unsigned char *p, *end; int pending; } U16It;

static int u16_next(U16It *it)
{
    if (it->pending >= 0) {
        int u = it->pending;
        it->pending = -1;
        return u;
    }
    if (it->p >= it->end) return -1;
    unsigned c = *it->p++;
    if (c < 0x80) return (int)c;
    uint32_t cp;
    int extra;
    if (c < 0xE0) { cp = c & 0x1F; extra = 1; }
    else if (c < 0xF0) { cp = c & 0x0F; extra = 2; }
    else { cp = c & 0x07; extra = 3; }
    while (extra-- > 0 && it->p < it->end) cp = (cp << 6) | (*it->p++ & 0x3F);
    if (cp >= 0x10000) {
        cp -= 0x10000;
        it->pending = (int)(0xDC00 | (cp & 0x3FF));
        return (int)(0xD800 | (cp >> 10));
    }
    return (int)cp;
}

typedef struct { const char *key; size_t len; json_t *value; } Member;

static int member_cmp(const void *pa, const void *pb)
{
    const Member *a = pa, *b = pb;
    U16It x = {(const unsigned char *)a->key, (const unsigned char *)a->key + a->len, -1};
    U16It y = {(const unsigned char *)b->key, (const unsigned char *)b->key + b->len, -1};
    for (;;) {
        int u = u16_next(&x), w = u16_next(&y);
        if (u != w) return u < w ? -1 : 1;
        if (u < 0) return 0;
    }
}

static int canonical(const json_t *v, Buf *out, int depth)
{
    if (depth > LEDGER_JSON_DEPTH_MAX) return LN_EINVAL;
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        size_t n = json_object_size(v), i = 0;
        Member *m = n ? xmalloc(n * sizeof *m) : NULL;
        const char *key;
        size_t klen;
        json_t *val;
        int rc = LN_OK;
        json_object_keylen_foreach((json_t *)v, key, klen, val) {
            if (i == n || !utf8_valid(key, klen)) { rc = LN_EINVAL; break; }
            m[i++] = (Member){key, klen, val};
        }
        if (rc == LN_OK && i != n) rc = LN_EINVAL;
        if (rc == LN_OK) {
            if (n > 1) qsort(m, n, sizeof *m, member_cmp);
            buf_putc(out, '{');
            for (i = 0; i < n && rc == LN_OK; i++) {
                if (i) buf_putc(out, ',');
                put_string(out, m[i].key, m[i].len);
                buf_putc(out, ':');
                rc = canonical(m[i].value, out, depth + 1);
            }
            buf_putc(out, '}');
        }
        free(m);
        return rc;
    }
    case JSON_ARRAY: {
        buf_putc(out, '[');
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i) buf_putc(out, ',');
            int rc = canonical(json_array_get(v, i), out, depth + 1);
            if (rc != LN_OK) return rc;
        }
        buf_putc(out, ']');
        return LN_OK;
    }
    case JSON_STRING:
        return put_string(out, json_string_value(v), json_string_length(v)) ? LN_OK : LN_EINVAL;
    case JSON_INTEGER: {
        json_int_t n = json_integer_value(v);
        if (!int_ok((int64_t)n)) return LN_EINVAL;
        buf_printf(out, "%lld", (long long)n);
        return LN_OK;
    }
    case JSON_TRUE: buf_puts(out, "true"); return LN_OK;
    case JSON_FALSE: buf_puts(out, "false"); return LN_OK;
    case JSON_NULL: buf_puts(out, "null"); return LN_OK;
    case JSON_REAL:
    default: return LN_EINVAL;     /* no floating point in evidence */
    }
}

int ledger_canonical(const json_t *v, Buf *out)
{
    if (!v) return LN_EINVAL;
    int rc = canonical(v, out, 0);
    return rc == LN_OK && out->over ? LN_EINVAL : rc;
}

/* ======================================================================
 * Entries and their hashes
 * ==================================================================== */

int ledger_entry_bytes(int64_t org_id, int64_t seq, const char *kind, const char *subject, UsTime at,
                       const char *payload, Buf *out)
{
    if (!int_ok(org_id) || !int_ok(seq) || !int_ok(at) || !kind || !subject || !payload) return LN_EINVAL;
    buf_printf(out, "{\"at\":%lld,\"kind\":", (long long)at);
    if (!put_string(out, kind, strlen(kind))) return LN_EINVAL;
    buf_printf(out, ",\"org\":%lld,\"payload\":", (long long)org_id);
    buf_puts(out, payload);
    buf_printf(out, ",\"seq\":%lld,\"subject\":", (long long)seq);
    if (!put_string(out, subject, strlen(subject))) return LN_EINVAL;
    buf_putc(out, '}');
    return out->over ? LN_EINVAL : LN_OK;
}

static bool hex_to_hash(const char *hex, unsigned char out[LEDGER_HASH_BYTES])
{
    size_t n = 0;
    if (!hex || strlen(hex) != LEDGER_HEX_LEN) return false;
    for (const char *p = hex; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return false;   /* lower case only */
    return sodium_hex2bin(out, LEDGER_HASH_BYTES, hex, LEDGER_HEX_LEN, NULL, &n, NULL) == 0 && n == LEDGER_HASH_BYTES;
}

int ledger_entry_hash(const char *prev_hex, int64_t org_id, int64_t seq, const char *kind, const char *subject,
                      UsTime at, const char *payload, char out_hex[LEDGER_HEX_LEN + 1])
{
    unsigned char prev[LEDGER_HASH_BYTES], h[LEDGER_HASH_BYTES];
    if (!hex_to_hash(prev_hex, prev)) return LN_EINVAL;
    Buf b;
    buf_init(&b, LEDGER_PAYLOAD_MAX + 2 * LEDGER_SUBJECT_MAX + 4096);
    int rc = ledger_entry_bytes(org_id, seq, kind, subject, at, payload, &b);
    if (rc == LN_OK) {
        crypto_hash_sha256_state st;
        crypto_hash_sha256_init(&st);
        crypto_hash_sha256_update(&st, prev, sizeof prev);
        crypto_hash_sha256_update(&st, (const unsigned char *)b.data, b.len);
        crypto_hash_sha256_final(&st, h);
        sodium_bin2hex(out_hex, LEDGER_HEX_LEN + 1, h, sizeof h);
    }
    buf_free(&b);
    return rc;
}

int ledger_entry_digest(int64_t org_id, int64_t seq, const char *kind, const char *subject, UsTime at,
                        const char *payload, char out_hex[LEDGER_HEX_LEN + 1])
{
    unsigned char d[LEDGER_HASH_BYTES];
    Buf b;
    buf_init(&b, LEDGER_PAYLOAD_MAX + 2 * LEDGER_SUBJECT_MAX + 4096);
    int rc = ledger_entry_bytes(org_id, seq, kind, subject, at, payload, &b);
    if (rc == LN_OK) {
        crypto_hash_sha256(d, (const unsigned char *)b.data, b.len);
        sodium_bin2hex(out_hex, LEDGER_HEX_LEN + 1, d, sizeof d);
    }
    buf_free(&b);
    return rc;
}

int ledger_chain_hash(const char *prev_hex, const char *digest_hex, char out_hex[LEDGER_HEX_LEN + 1])
{
    unsigned char two[2 * LEDGER_HASH_BYTES], h[LEDGER_HASH_BYTES];
    if (!hex_to_hash(prev_hex, two) || !hex_to_hash(digest_hex, two + LEDGER_HASH_BYTES)) return LN_EINVAL;
    crypto_hash_sha256(h, two, sizeof two);
    sodium_bin2hex(out_hex, LEDGER_HEX_LEN + 1, h, sizeof h);
    return LN_OK;
}

int ledger_entry_hash_at(int64_t digest_from, const char *prev_hex, int64_t org_id, int64_t seq, const char *kind,
                         const char *subject, UsTime at, const char *payload, char out_hex[LEDGER_HEX_LEN + 1])
{
    if (seq < digest_from) return ledger_entry_hash(prev_hex, org_id, seq, kind, subject, at, payload, out_hex);
    char d[LEDGER_HEX_LEN + 1];
    int rc = ledger_entry_digest(org_id, seq, kind, subject, at, payload, d);
    return rc == LN_OK ? ledger_chain_hash(prev_hex, d, out_hex) : rc;
}

int ledger_digest_from(Db *db, int64_t org_id, int64_t *out)
{
    *out = 1;
    int rc = db_query_i64(db, out, "SELECT digest_from FROM ledger_format WHERE org_id = $1", "i", org_id);
    if (rc == DB_DONE) *out = 1;
    return rc == DB_ROW || rc == DB_DONE ? LN_OK : LN_EDB;
}

static void put_be64(unsigned char *p, int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--) {
        p[i] = (unsigned char)(u & 0xFF);
        u >>= 8;
    }
}

void ledger_checkpoint_message(int64_t org_id, int64_t seq, const unsigned char hash[LEDGER_HASH_BYTES], UsTime at,
                               unsigned char out[LEDGER_CHECKPOINT_MSG_LEN])
{
    size_t tl = strlen(LEDGER_CHECKPOINT_TAG);
    memcpy(out, LEDGER_CHECKPOINT_TAG, tl);
    put_be64(out + tl, org_id);
    put_be64(out + tl + 8, seq);
    memcpy(out + tl + 16, hash, LEDGER_HASH_BYTES);
    put_be64(out + tl + 16 + LEDGER_HASH_BYTES, at);
}

static bool kind_ok(const char *k)
{
    size_t n = k ? strlen(k) : 0;
    if (n == 0 || n > LEDGER_KIND_MAX || !(k[0] >= 'a' && k[0] <= 'z')) return false;
    for (size_t i = 1; i < n; i++)
        if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_' || k[i] == '.' || k[i] == '-'))
            return false;
    return true;
}

static bool subject_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (!s || n > LEDGER_SUBJECT_MAX || !utf8_valid(s, n)) return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F) return false;
    return true;
}

/* ======================================================================
 * Appending
 * ==================================================================== */

/* Lock the organisation's head row until the end of the transaction and
 * read it.  The row is made on first use from the last entry (so a deleted
 * head row is rebuilt rather than restarting the chain).  On SQLite the
 * writer lock of BEGIN IMMEDIATE already serialises; on PostgreSQL the
 * UPDATE takes the row lock that a second appender waits on. */
static int head_lock(Db *db, int64_t org_id, int64_t *seq, char hash[LEDGER_HEX_LEN + 1])
{
    for (int attempt = 0; attempt < 2; attempt++) {
        DbStmt *st = db_prepare(db, "UPDATE ledger_head SET seq = seq WHERE org_id = $1 RETURNING seq, hash");
        if (!st) return LN_EDB;
        db_bind_i64(st, 1, org_id);
        int rc = db_step(st);
        if (rc == DB_ROW) {
            *seq = db_col_i64(st, 0);
            snprintf(hash, LEDGER_HEX_LEN + 1, "%s", db_col_text(st, 1));
        }
        db_done(st);
        if (rc == DB_ROW) return LN_OK;
        if (rc != DB_DONE || attempt) break;
        rc = db_run(db,
            "INSERT INTO ledger_head (org_id, seq, hash, at) VALUES ($1,"
            " COALESCE((SELECT seq FROM ledger_entry WHERE org_id = $1 ORDER BY seq DESC LIMIT 1), 0),"
            " COALESCE((SELECT hash FROM ledger_entry WHERE org_id = $1 ORDER BY seq DESC LIMIT 1), $2),"
            " COALESCE((SELECT at FROM ledger_entry WHERE org_id = $1 ORDER BY seq DESC LIMIT 1), 0))"
            " ON CONFLICT (org_id) DO NOTHING", "it", org_id, ZERO_HASH);
        if (rc != DB_DONE) break;
    }
    log_error("ledger: cannot lock the head of organisation %lld: %s", (long long)org_id, db_errmsg(db));
    return LN_EDB;
}

/* Append an entry whose payload is canonical JSON already. */
static int append_canonical(Db *db, int64_t org_id, const char *kind, const char *subject, const char *payload,
                            UsTime at, int64_t *seq_out)
{
    int64_t head = 0;
    char prev[LEDGER_HEX_LEN + 1], hash[LEDGER_HEX_LEN + 1];
    int rc = head_lock(db, org_id, &head, prev);
    if (rc != LN_OK) return rc;
    int64_t seq = head + 1, digest_from;
    if (ledger_digest_from(db, org_id, &digest_from) != LN_OK) return LN_EDB;
    if (ledger_entry_hash_at(digest_from, prev, org_id, seq, kind, subject, at, payload, hash) != LN_OK) {
        log_error("ledger: the head of organisation %lld holds a malformed hash; run `lectern verify`", (long long)org_id);
        return LN_EINVAL;
    }
    int r = db_run(db, "INSERT INTO ledger_entry (org_id, seq, kind, subject, at, payload, prev_hash, hash)"
                       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", "iittittt",
                   org_id, seq, kind, subject, at, payload, prev, hash);
    if (r == DB_CONSTRAINT) {
        log_error("ledger: entry %lld of organisation %lld exists already: the head row is behind; run `lectern verify`",
                  (long long)seq, (long long)org_id);
        return LN_EEXIST;
    }
    if (r != DB_DONE) return LN_EDB;
    if (db_run(db, "UPDATE ledger_head SET seq = $2, hash = $3, at = $4 WHERE org_id = $1", "iiti",
               org_id, seq, hash, at) != DB_DONE)
        return LN_EDB;
    if (seq_out) *seq_out = seq;
    return LN_OK;
}

int ledger_append(Db *db, int64_t org_id, const char *kind, const char *subject, json_t *payload, UsTime at,
                  int64_t *seq)
{
    if (org_id <= 0 || !kind_ok(kind) || !subject_ok(subject) || at < 0 || !int_ok(at)) return LN_EINVAL;
    if (payload && !json_is_object(payload)) return LN_EINVAL;
    Buf p;
    buf_init(&p, LEDGER_PAYLOAD_MAX);
    int rc = LN_OK;
    if (payload) rc = ledger_canonical(payload, &p);
    else buf_puts(&p, "{}");
    if (rc == LN_OK) rc = append_canonical(db, org_id, kind, subject, buf_cstr(&p), at, seq);
    buf_free(&p);
    return rc;
}

int ledger_correct(Db *db, int64_t org_id, int64_t corrects, const char *kind, const char *subject,
                   json_t *payload, UsTime at, int64_t *seq)
{
    if (corrects <= 0 || !int_ok(corrects) || (payload && !json_is_object(payload))) return LN_EINVAL;
    json_t *had = payload ? json_object_get(payload, "corrects") : NULL;
    if (had && !(json_is_integer(had) && json_integer_value(had) == corrects)) return LN_EINVAL;
    int64_t n = 0;
    if (db_query_i64(db, &n, "SELECT count(*) FROM ledger_entry WHERE org_id = $1 AND seq = $2", "ii",
                     org_id, corrects) != DB_ROW)
        return LN_EDB;
    if (n == 0) return LN_NOTFOUND;
    json_t *p = payload ? json_copy(payload) : json_object();     /* shallow: the caller's object stays as it was */
    json_object_set_new(p, "corrects", json_integer(corrects));
    int rc = ledger_append(db, org_id, kind, subject, p, at, seq);
    json_decref(p);
    return rc;
}

bool ledger_payload_is(json_t *want, const char *stored)
{
    Buf b;
    buf_init(&b, LEDGER_PAYLOAD_MAX);
    bool same = want && ledger_canonical(want, &b) == LN_OK && str_eq(buf_cstr(&b), stored);
    buf_free(&b);
    json_decref(want);
    return same;
}

int ledger_kind_count(Db *db, int64_t org_id, const char *kind, int64_t *n)
{
    *n = 0;
    return db_query_i64(db, n, "SELECT count(*) FROM ledger_entry WHERE org_id = $1 AND kind = $2", "it", org_id, kind)
               == DB_ROW ? LN_OK : LN_EDB;
}

/* ======================================================================
 * Signing keys
 * ==================================================================== */

static int key_path(App *app, const LedgerKey *k, char *out, size_t n)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    size_t len = 0;
    if (sodium_base642bin(pk, sizeof pk, k->public_key, strlen(k->public_key), NULL, &len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 || len != sizeof pk)
        return LN_EINVAL;
    char fp[17];
    sodium_bin2hex(fp, sizeof fp, pk, 8);
    int w = snprintf(out, n, "%s/keys/org-%lld-%s.key", app->cfg.data_dir, (long long)k->org_id, fp);
    return w > 0 && (size_t)w < n ? LN_OK : LN_EINVAL;
}

int ledger_keys(Db *db, Arena *a, int64_t org_id, LedgerKeyList *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *st = db_prepare(db, "SELECT id, public_key, valid_from FROM org_key WHERE org_id = $1 ORDER BY id DESC");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    int cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 4;
            LedgerKey *items = arena_alloc(a, (size_t)cap * sizeof *items);
            if (out->n) memcpy(items, out->items, (size_t)out->n * sizeof *items);
            out->items = items;
        }
        LedgerKey *k = &out->items[out->n];
        memset(k, 0, sizeof *k);
        k->id = db_col_i64(st, 0);
        k->org_id = org_id;
        snprintf(k->public_key, sizeof k->public_key, "%s", db_col_text(st, 1));
        k->valid_from = db_col_i64(st, 2);
        k->valid_until = out->n ? out->items[out->n - 1].valid_from : 0;
        out->n++;
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

static int key_current(Db *db, int64_t org_id, LedgerKey *out)
{
    memset(out, 0, sizeof *out);
    DbStmt *st = db_prepare(db, "SELECT id, public_key, valid_from FROM org_key WHERE org_id = $1 ORDER BY id DESC LIMIT 1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_col_i64(st, 0);
        out->org_id = org_id;
        snprintf(out->public_key, sizeof out->public_key, "%s", db_col_text(st, 1));
        out->valid_from = db_col_i64(st, 2);
    }
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

/* Write the seed to `path` (mode 0600, in a 0700 folder), never replacing
 * a file that is there. */
static int write_seed(App *app, const char *path, const unsigned char seed[crypto_sign_SEEDBYTES])
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/keys", app->cfg.data_dir);
    mkdir(app->cfg.data_dir, 0750);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        log_error("ledger: cannot create %s: %s", dir, strerror(errno));
        return LN_EIO;
    }
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/.new-key-XXXXXX", dir);
    int fd = mkstemp(tmp);      /* mode 0600 */
    if (fd < 0) {
        log_error("ledger: cannot write in %s: %s", dir, strerror(errno));
        return LN_EIO;
    }
    char line[sodium_base64_ENCODED_LEN(crypto_sign_SEEDBYTES, sodium_base64_VARIANT_ORIGINAL) + 1];
    sodium_bin2base64(line, sizeof line - 1, seed, crypto_sign_SEEDBYTES, sodium_base64_VARIANT_ORIGINAL);
    size_t n = strlen(line);
    line[n++] = '\n';
    bool ok = fchmod(fd, 0600) == 0 && write(fd, line, n) == (ssize_t)n && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    sodium_memzero(line, sizeof line);
    if (ok && link(tmp, path) != 0) {
        log_error("ledger: cannot create %s: %s", path, strerror(errno));
        ok = false;
    }
    unlink(tmp);
    if (ok) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    return ok ? LN_OK : LN_EIO;
}

/* The secret key of `k` from its file, checked against the public key. */
static int read_secret(App *app, const LedgerKey *k, unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
    char path[PATH_MAX];
    if (key_path(app, k, path, sizeof path) != LN_OK) return LN_EINVAL;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        log_error("ledger: the secret key %lld of organisation %lld (%s) cannot be read: %s; restore it from a backup, "
                  "or make a new key with `lectern key rotate`", (long long)k->id, (long long)k->org_id, path, strerror(e));
        return e == ENOENT ? LN_NOTFOUND : LN_EIO;
    }
    struct stat sb;
    char buf[128];
    ssize_t n = -1;
    if (fstat(fd, &sb) == 0 && !(sb.st_mode & 077)) n = read(fd, buf, sizeof buf - 1);
    else log_error("ledger: %s may be read by others: chmod 600 it", path);
    close(fd);
    if (n < 0) return LN_EPERM;
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ')) n--;
    unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES];
    size_t len = 0;
    int rc = LN_OK;
    if (sodium_base642bin(seed, sizeof seed, buf, (size_t)n, NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0
        || len != sizeof seed) {
        log_error("ledger: %s does not hold a key", path);
        rc = LN_EINVAL;
    } else {
        crypto_sign_seed_keypair(pk, sk, seed);
        char pk64[LEDGER_PK_B64_LEN + 1];
        sodium_bin2base64(pk64, sizeof pk64, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
        if (!str_eq(pk64, k->public_key)) {
            log_error("ledger: %s is not the secret half of key %lld", path, (long long)k->id);
            rc = LN_EINVAL;
        }
    }
    sodium_memzero(buf, sizeof buf);
    sodium_memzero(seed, sizeof seed);
    return rc;
}

/* Make a key inside the caller's transaction, the head being locked: the
 * row, the file (its path in `made`, to remove if the transaction fails)
 * and the "ledger.key" entry. */
static int key_create(Db *db, App *app, int64_t org_id, UsTime now, LedgerKey *out,
                      unsigned char sk[crypto_sign_SECRETKEYBYTES], char *made, size_t made_len)
{
    if (sodium_init() < 0) return LN_EIO;
    unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES];
    randombytes_buf(seed, sizeof seed);
    crypto_sign_seed_keypair(pk, sk, seed);
    memset(out, 0, sizeof *out);
    out->org_id = org_id;
    out->valid_from = now;
    sodium_bin2base64(out->public_key, sizeof out->public_key, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
    int rc = db_query_i64(db, &out->id, "INSERT INTO org_key (org_id, algorithm, public_key, valid_from, created_at)"
                                        " VALUES ($1, 'Ed25519', $2, $3, $3) RETURNING id", "iti",
                          org_id, out->public_key, now) == DB_ROW ? LN_OK : LN_EDB;
    char path[PATH_MAX];
    if (rc == LN_OK) rc = key_path(app, out, path, sizeof path);
    if (rc == LN_OK) rc = write_seed(app, path, seed);
    sodium_memzero(seed, sizeof seed);
    if (rc != LN_OK) return rc;
    snprintf(made, made_len, "%s", path);
    json_t *p = json_pack("{s:s,s:I,s:s,s:I}", "algorithm", "Ed25519", "key_id", (json_int_t)out->id,
                          "public_key", out->public_key, "valid_from", (json_int_t)now);
    char subject[40];
    snprintf(subject, sizeof subject, "key:%lld", (long long)out->id);
    rc = ledger_append(db, org_id, LEDGER_KIND_KEY, subject, p, now, NULL);
    json_decref(p);
    if (rc == LN_OK) log_info("ledger: new signing key %lld for organisation %lld (%s)", (long long)out->id,
                              (long long)org_id, path);
    return rc;
}

static int tx_end(Db *db, int rc, const char *made)
{
    if (rc == LN_OK && db_commit(db) != DB_DONE) rc = LN_EDB;
    if (rc != LN_OK) {
        db_rollback(db);
        if (made && *made) unlink(made);
    }
    return rc;
}

static int key_ensure_or_rotate(Db *db, App *app, int64_t org_id, bool rotate, LedgerKey *out, bool *created)
{
    if (created) *created = false;
    if (db_begin(db) != DB_DONE) return LN_EDB;
    char made[PATH_MAX] = "", head_hash[LEDGER_HEX_LEN + 1];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    int64_t head;
    int rc = head_lock(db, org_id, &head, head_hash);
    if (rc == LN_OK && !rotate) rc = key_current(db, org_id, out);
    if ((rc == LN_OK && rotate) || rc == LN_NOTFOUND) {
        rc = key_create(db, app, org_id, time_now_us(), out, sk, made, sizeof made);
        if (rc == LN_OK && created) *created = true;
    }
    sodium_memzero(sk, sizeof sk);
    return tx_end(db, rc, made);
}

int ledger_key_ensure(Db *db, App *app, int64_t org_id, LedgerKey *out, bool *created)
{
    return key_ensure_or_rotate(db, app, org_id, false, out, created);
}

int ledger_key_rotate(Db *db, App *app, int64_t org_id, LedgerKey *out)
{
    return key_ensure_or_rotate(db, app, org_id, true, out, NULL);
}

/* ======================================================================
 * Walking the chain, a page of rows at a time
 * ==================================================================== */

typedef struct EntryRow {
    int64_t seq;
    UsTime at;
    char *kind, *subject, *payload, *prev_hash, *hash;
} EntryRow;

typedef struct Walker {
    Db *db;
    int64_t org_id;
    int64_t last_read;          /* seq of the last row fetched */
    int64_t upto;               /* 0: to the end */
    Arena *a;                   /* the current page */
    EntryRow rows[PAGE_ROWS];
    int n, i;
    bool eof;
} Walker;

static void walker_init(Walker *w, Db *db, int64_t org_id, int64_t after, int64_t upto)
{
    memset(w, 0, sizeof *w);
    w->db = db;
    w->org_id = org_id;
    w->last_read = after;
    w->upto = upto;
}

static void walker_free(Walker *w)
{
    if (w->a) arena_free(w->a);
    w->a = NULL;
}

/* 1 with *e, 0 at the end, LN_EDB. */
static int walker_next(Walker *w, const EntryRow **e)
{
    if (w->i == w->n) {
        if (w->eof) return 0;
        walker_free(w);
        w->a = arena_new();
        w->n = w->i = 0;
        DbStmt *st = db_prepare(w->db, "SELECT seq, at, kind, subject, payload, prev_hash, hash FROM ledger_entry"
                                       " WHERE org_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT 256");
        if (!st) return LN_EDB;
        db_bind_i64(st, 1, w->org_id);
        db_bind_i64(st, 2, w->last_read);
        db_bind_i64(st, 3, w->upto > 0 ? w->upto : INT64_MAX);
        int rc = DB_DONE;
        while (w->n < PAGE_ROWS && (rc = db_step(st)) == DB_ROW) {
            EntryRow *r = &w->rows[w->n++];
            r->seq = db_col_i64(st, 0);
            r->at = db_col_i64(st, 1);
            r->kind = db_col_dup(st, 2, w->a);
            r->subject = db_col_dup(st, 3, w->a);
            r->payload = db_col_dup(st, 4, w->a);
            r->prev_hash = db_col_dup(st, 5, w->a);
            r->hash = db_col_dup(st, 6, w->a);
        }
        if (w->n < PAGE_ROWS && rc != DB_DONE) {
            db_done(st);
            return LN_EDB;
        }
        db_done(st);
        if (w->n < PAGE_ROWS) w->eof = true;
        if (w->n == 0) return 0;
        w->last_read = w->rows[w->n - 1].seq;
    }
    *e = &w->rows[w->i++];
    return 1;
}

static const char *nz(const char *s) { return s ? s : ""; }

/* Check one entry against the expected seq and previous hash.  On success
 * *payload_out (when asked) is the parsed payload, to decref. */
static LedgerFault check_entry(int64_t org_id, int64_t digest_from, int64_t expect, const char *prev,
                               const EntryRow *e, LedgerReport *rep, json_t **payload_out)
{
    rep->bad_seq = expect;
    if (e->seq != expect) {
        snprintf(rep->detail, sizeof rep->detail, "entry %lld is missing: the next entry is %lld",
                 (long long)expect, (long long)e->seq);
        return LEDGER_GAP;
    }
    if (!str_eq(nz(e->prev_hash), prev)) {
        snprintf(rep->detail, sizeof rep->detail, "entry %lld names %.16s… as the previous hash, but entry %lld's hash is %.16s…",
                 (long long)e->seq, nz(e->prev_hash), (long long)e->seq - 1, prev);
        return LEDGER_PREV_MISMATCH;
    }
    json_error_t jerr;
    json_t *j = json_loads(nz(e->payload), JSON_REJECT_DUPLICATES, &jerr);
    Buf c;
    buf_init(&c, LEDGER_PAYLOAD_MAX);
    const char *why = NULL;
    if (!j || !json_is_object(j)) why = "its payload is not a JSON object";
    else if (ledger_canonical(j, &c) != LN_OK) why = "its payload holds a value canonical JSON refuses (a real number, a huge integer, U+0000)";
    else if (!str_eq(buf_cstr(&c), e->payload)) why = "its payload is not in canonical form";
    else {
        json_t *corr = json_object_get(j, "corrects");
        if (corr && !(json_is_integer(corr) && json_integer_value(corr) >= 1 && json_integer_value(corr) < e->seq))
            why = "it corrects an entry that is not before it";
    }
    buf_free(&c);
    char h[LEDGER_HEX_LEN + 1];
    if (!why && ledger_entry_hash_at(digest_from, prev, org_id, e->seq, nz(e->kind), nz(e->subject), e->at, e->payload,
                                     h) != LN_OK)
        why = "its kind or subject is not valid UTF-8";
    if (why) {
        json_decref(j);
        snprintf(rep->detail, sizeof rep->detail, "entry %lld is malformed: %s", (long long)e->seq, why);
        return LEDGER_BAD_ENTRY;
    }
    if (!str_eq(h, nz(e->hash))) {
        json_decref(j);
        snprintf(rep->detail, sizeof rep->detail,
                 "entry %lld was changed: its stored hash %.16s… is not the hash of prev and the entry, %.16s…",
                 (long long)e->seq, nz(e->hash), h);
        return LEDGER_HASH_MISMATCH;
    }
    if (payload_out) *payload_out = j;
    else json_decref(j);
    rep->bad_seq = 0;
    return LEDGER_OK;
}

/* Re-verify the entry of the last checkpoint and those after it, up to the
 * locked head (seq, hash), before signing: a checkpoint never vouches for
 * a chain that does not verify. */
static int verify_since_checkpoint(Db *db, int64_t org_id, int64_t head, const char *head_hash)
{
    int64_t from = 0, digest_from;
    if (ledger_digest_from(db, org_id, &digest_from) != LN_OK) return LN_EDB;
    char prev[LEDGER_HEX_LEN + 1], signed_hash[LEDGER_HEX_LEN + 2] = "";
    snprintf(prev, sizeof prev, "%s", ZERO_HASH);
    DbStmt *st = db_prepare(db, "SELECT c.seq, c.hash, e.prev_hash FROM ledger_checkpoint c"
                                " LEFT JOIN ledger_entry e ON e.org_id = c.org_id AND e.seq = c.seq"
                                " WHERE c.org_id = $1 ORDER BY c.seq DESC, c.id DESC LIMIT 1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        from = db_col_i64(st, 0);
        snprintf(signed_hash, sizeof signed_hash, "%s", db_col_text(st, 1));
        snprintf(prev, sizeof prev, "%s", db_col_text(st, 2));     /* "" when the entry is gone */
    }
    db_done(st);
    if (rc != DB_ROW && rc != DB_DONE) return LN_EDB;
    LedgerReport rep;
    memset(&rep, 0, sizeof rep);
    if (from > head) {
        log_error("ledger: organisation %lld has a checkpoint at entry %lld but its head is %lld; not signing. "
                  "Run `lectern verify`", (long long)org_id, (long long)from, (long long)head);
        return LN_EINVAL;
    }
    /* from the checkpointed entry itself (its stored prev), then onwards */
    Walker w;
    walker_init(&w, db, org_id, from > 0 ? from - 1 : 0, head);
    const EntryRow *e;
    int64_t expect = from > 0 ? from : 1;
    LedgerFault f = LEDGER_OK;
    while (f == LEDGER_OK && (rc = walker_next(&w, &e)) == 1) {
        f = check_entry(org_id, digest_from, expect, prev, e, &rep, NULL);
        if (f == LEDGER_OK && e->seq == from && !str_eq(e->hash, signed_hash)) {
            f = LEDGER_CHECKPOINT_HASH;
            snprintf(rep.detail, sizeof rep.detail, "entry %lld differs from its last checkpoint", (long long)from);
        }
        if (f == LEDGER_OK) {
            snprintf(prev, sizeof prev, "%s", e->hash);
            expect++;
        }
    }
    walker_free(&w);
    if (rc < 0) return LN_EDB;
    if (f == LEDGER_OK && (expect != head + 1 || !str_eq(prev, head_hash))) {
        f = LEDGER_HEAD_MISMATCH;
        snprintf(rep.detail, sizeof rep.detail, "the head row (entry %lld) does not match the entries", (long long)head);
    }
    if (f == LEDGER_OK) return LN_OK;
    log_error("ledger: organisation %lld does not verify (%s: %s); not signing. Run `lectern verify`",
              (long long)org_id, ledger_fault_code(f), rep.detail);
    return LN_EINVAL;
}

/* ======================================================================
 * Checkpoints
 * ==================================================================== */

/* Sign the head of `org_id` at `now` in one transaction.  With `cutoff`
 * (> 0), only when no checkpoint covers the head yet and none was made at
 * or after `cutoff`: several processes may run the periodic pass. */
static int checkpoint_run(Db *db, App *app, int64_t org_id, UsTime now, UsTime cutoff, int64_t *seq_out, bool *made_one)
{
    *made_one = false;
    if (sodium_init() < 0) return LN_EIO;
    if (db_begin(db) != DB_DONE) return LN_EDB;
    char made[PATH_MAX] = "", hhash[LEDGER_HEX_LEN + 1];
    int64_t hseq = 0;
    int rc = head_lock(db, org_id, &hseq, hhash);
    if (rc == LN_OK && cutoff > 0) {
        int64_t n = 0;
        if (db_query_i64(db, &n, "SELECT count(*) FROM ledger_checkpoint WHERE org_id = $1 AND (seq >= $2 OR at >= $3)",
                         "iii", org_id, hseq, cutoff) != DB_ROW)
            rc = LN_EDB;
        else if (hseq == 0 || n > 0) {
            db_rollback(db);
            return LN_OK;               /* not due (any more) */
        }
    }
    LedgerKey key;
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    bool have_sk = false;
    if (rc == LN_OK) {
        rc = key_current(db, org_id, &key);
        if (rc == LN_NOTFOUND) rc = key_create(db, app, org_id, now, &key, sk, made, sizeof made);
        else if (rc == LN_OK) rc = read_secret(app, &key, sk);
        have_sk = rc == LN_OK;
    }
    if (rc == LN_OK) rc = head_lock(db, org_id, &hseq, hhash);     /* a new key's entry moved it */
    if (rc == LN_OK && hseq == 0) rc = LN_NOTFOUND;
    if (rc == LN_OK) rc = verify_since_checkpoint(db, org_id, hseq, hhash);
    if (rc == LN_OK) {
        unsigned char h[LEDGER_HASH_BYTES], msg[LEDGER_CHECKPOINT_MSG_LEN], sig[crypto_sign_BYTES];
        char sig64[LEDGER_SIG_B64_LEN + 1];
        if (!hex_to_hash(hhash, h)) rc = LN_EINVAL;
        if (rc == LN_OK) {
            ledger_checkpoint_message(org_id, hseq, h, now, msg);
            crypto_sign_detached(sig, NULL, msg, sizeof msg, sk);
            sodium_bin2base64(sig64, sizeof sig64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
            if (db_run(db, "INSERT INTO ledger_checkpoint (org_id, seq, hash, at, key_id, signature)"
                           " VALUES ($1, $2, $3, $4, $5, $6)", "iitiit", org_id, hseq, hhash, now, key.id, sig64)
                != DB_DONE)
                rc = LN_EDB;
        }
    }
    if (have_sk) sodium_memzero(sk, sizeof sk);
    rc = tx_end(db, rc, made);
    if (rc == LN_OK) {
        *made_one = true;
        if (seq_out) *seq_out = hseq;
    }
    return rc;
}

int ledger_checkpoint(Db *db, App *app, int64_t org_id, int64_t *seq)
{
    bool made;
    return checkpoint_run(db, app, org_id, time_now_us(), 0, seq, &made);
}

int ledger_checkpoint_due(Db *db, App *app, UsTime now)
{
    int minutes = app->cfg.checkpoint_minutes > 0 ? app->cfg.checkpoint_minutes : LEDGER_CHECKPOINT_MINUTES;
    UsTime cutoff = now - (int64_t)minutes * 60 * US_PER_SEC;
    int made = 0, n;
    int64_t after = 0;      /* pages by organisation, so that failing ones never starve the others */
    do {
        DbStmt *st = db_prepare(db,
            "SELECT h.org_id FROM ledger_head h WHERE h.org_id > $2 AND h.seq > 0"
            " AND NOT EXISTS (SELECT 1 FROM ledger_checkpoint c WHERE c.org_id = h.org_id AND c.seq >= h.seq)"
            " AND NOT EXISTS (SELECT 1 FROM ledger_checkpoint c WHERE c.org_id = h.org_id AND c.at >= $1)"
            " ORDER BY h.org_id LIMIT 100");
        if (!st) return LN_EDB;
        db_bind_i64(st, 1, cutoff);
        db_bind_i64(st, 2, after);
        int64_t ids[100];
        int rc = DB_DONE;
        n = 0;
        while (n < 100 && (rc = db_step(st)) == DB_ROW) ids[n++] = db_col_i64(st, 0);
        db_done(st);
        if (rc != DB_ROW && rc != DB_DONE) return LN_EDB;
        for (int i = 0; i < n; i++) {
            bool one = false;
            int64_t seq = 0;
            if (checkpoint_run(db, app, ids[i], now, cutoff, &seq, &one) == LN_OK && one) made++;
            after = ids[i];
        }
    } while (n == 100);
    return made;
}

int ledger_checkpoint_last(Db *db, Arena *a, int64_t org_id, LedgerCheckpoint *out)
{
    DbStmt *st = db_prepare(db, "SELECT id, seq, hash, at, key_id, signature FROM ledger_checkpoint"
                                " WHERE org_id = $1 ORDER BY id DESC LIMIT 1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    int rc = db_step(st);
    if (rc == DB_ROW)
        *out = (LedgerCheckpoint){.id = db_col_i64(st, 0), .seq = db_col_i64(st, 1), .hash = db_col_dup(st, 2, a),
                                  .at = db_col_i64(st, 3), .key_id = db_col_i64(st, 4),
                                  .signature = db_col_dup(st, 5, a)};
    db_done(st);
    return rc == DB_ROW ? LN_OK : rc == DB_DONE ? LN_NOTFOUND : LN_EDB;
}

int ledger_status(Db *db, int64_t org_id, int64_t *head_seq, int64_t *checkpoint_seq, UsTime *checkpoint_at)
{
    *head_seq = *checkpoint_seq = *checkpoint_at = 0;
    int rc = db_query_i64(db, head_seq, "SELECT seq FROM ledger_head WHERE org_id = $1", "i", org_id);
    if (rc != DB_ROW && rc != DB_DONE) return LN_EDB;
    DbStmt *st = db_prepare(db, "SELECT seq, at FROM ledger_checkpoint WHERE org_id = $1 ORDER BY seq DESC, id DESC LIMIT 1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *checkpoint_seq = db_col_i64(st, 0);
        *checkpoint_at = db_col_i64(st, 1);
    }
    db_done(st);
    return rc == DB_ROW || rc == DB_DONE ? LN_OK : LN_EDB;
}

void ledger_tick(App *app, Db *db)
{
    static atomic_llong next_scan;
    UsTime now = time_now_us();
    if (now < atomic_load(&next_scan)) return;
    atomic_store(&next_scan, now + 30 * US_PER_SEC);
    int n = ledger_checkpoint_due(db, app, now);
    if (n > 0) log_info("ledger: %d checkpoint%s signed", n, n == 1 ? "" : "s");
}

/* ======================================================================
 * Verification
 * ==================================================================== */

const char *ledger_fault_code(LedgerFault f)
{
    switch (f) {
    case LEDGER_OK: return "ok";
    case LEDGER_GAP: return "gap";
    case LEDGER_PREV_MISMATCH: return "prev_mismatch";
    case LEDGER_HASH_MISMATCH: return "hash_mismatch";
    case LEDGER_BAD_ENTRY: return "bad_entry";
    case LEDGER_CHECKPOINT_HASH: return "checkpoint_hash_mismatch";
    case LEDGER_BAD_SIGNATURE: return "bad_signature";
    case LEDGER_KEY_MISMATCH: return "key_mismatch";
    case LEDGER_CHECKPOINT_NO_ENTRY: return "checkpoint_without_entry";
    case LEDGER_HEAD_MISMATCH: return "head_mismatch";
    }
    return "unknown";
}

typedef struct CkRow {
    int64_t id, seq, key_id;
    UsTime at;
    char hash[LEDGER_HEX_LEN + 2];          /* one more: a longer stored value stays different */
    char signature[LEDGER_SIG_B64_LEN + 2];
} CkRow;

/* Checkpoints of one organisation in (seq, id) order, id ≤ max_id (those
 * that existed when the verification started). */
typedef struct CkCursor {
    Db *db;
    int64_t org_id, max_id, last_seq, last_id;
    CkRow rows[PAGE_ROWS];
    int n, i;
    bool eof;
} CkCursor;

/* 1 with *c (not consumed), 0 at the end, LN_EDB. */
static int ck_peek(CkCursor *k, const CkRow **c)
{
    if (k->i == k->n) {
        if (k->eof) return 0;
        k->n = k->i = 0;
        DbStmt *st = db_prepare(k->db, "SELECT id, seq, hash, at, key_id, signature FROM ledger_checkpoint"
                                       " WHERE org_id = $1 AND id <= $2 AND (seq > $3 OR (seq = $3 AND id > $4))"
                                       " ORDER BY seq, id LIMIT 256");
        if (!st) return LN_EDB;
        db_bind_i64(st, 1, k->org_id);
        db_bind_i64(st, 2, k->max_id);
        db_bind_i64(st, 3, k->last_seq);
        db_bind_i64(st, 4, k->last_id);
        int rc = DB_DONE;
        while (k->n < PAGE_ROWS && (rc = db_step(st)) == DB_ROW) {
            CkRow *r = &k->rows[k->n++];
            r->id = db_col_i64(st, 0);
            r->seq = db_col_i64(st, 1);
            snprintf(r->hash, sizeof r->hash, "%s", db_col_text(st, 2));
            r->at = db_col_i64(st, 3);
            r->key_id = db_col_i64(st, 4);
            snprintf(r->signature, sizeof r->signature, "%s", db_col_text(st, 5));
        }
        db_done(st);
        if (k->n < PAGE_ROWS && rc != DB_DONE) return LN_EDB;
        if (k->n < PAGE_ROWS) k->eof = true;
        if (k->n == 0) return 0;
        k->last_seq = k->rows[k->n - 1].seq;
        k->last_id = k->rows[k->n - 1].id;
    }
    *c = &k->rows[k->i];
    return 1;
}

typedef struct KeyRow { int64_t id; char pk[LEDGER_PK_B64_LEN + 2]; } KeyRow;

static const KeyRow *key_find(const KeyRow *keys, int n, int64_t id)
{
    for (int i = 0; i < n; i++)
        if (keys[i].id == id) return &keys[i];
    return NULL;
}

/* Check a checkpoint that names entry `e` (verified, hash `hash`). */
static LedgerFault check_checkpoint(int64_t org_id, const CkRow *c, const char *hash, int64_t chain_key,
                                    const KeyRow *keys, int nkeys, LedgerReport *rep)
{
    rep->bad_seq = c->seq;
    const KeyRow *k = key_find(keys, nkeys, c->key_id);
    if (!k || c->key_id != chain_key) {
        snprintf(rep->detail, sizeof rep->detail,
                 "the checkpoint of entry %lld is signed with key %lld, but the key in force there is %lld",
                 (long long)c->seq, (long long)c->key_id, (long long)chain_key);
        return LEDGER_KEY_MISMATCH;
    }
    if (!str_eq(c->hash, hash)) {
        snprintf(rep->detail, sizeof rep->detail,
                 "the checkpoint of entry %lld signed the hash %.16s…, but the chain gives %.16s…: entries up to %lld were rewritten",
                 (long long)c->seq, c->hash, hash, (long long)c->seq);
        return LEDGER_CHECKPOINT_HASH;
    }
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES], h[LEDGER_HASH_BYTES],
        msg[LEDGER_CHECKPOINT_MSG_LEN];
    size_t pl = 0, sl = 0;
    bool ok = sodium_base642bin(pk, sizeof pk, k->pk, strlen(k->pk), NULL, &pl, NULL, sodium_base64_VARIANT_ORIGINAL) == 0
              && pl == sizeof pk
              && sodium_base642bin(sig, sizeof sig, c->signature, strlen(c->signature), NULL, &sl, NULL,
                                   sodium_base64_VARIANT_ORIGINAL) == 0
              && sl == sizeof sig && hex_to_hash(c->hash, h);
    if (ok) {
        ledger_checkpoint_message(org_id, c->seq, h, c->at, msg);
        ok = crypto_sign_verify_detached(sig, msg, sizeof msg, pk) == 0;
    }
    if (!ok) {
        snprintf(rep->detail, sizeof rep->detail,
                 "the signature of the checkpoint of entry %lld (key %lld) does not verify", (long long)c->seq,
                 (long long)c->key_id);
        return LEDGER_BAD_SIGNATURE;
    }
    rep->bad_seq = 0;
    return LEDGER_OK;
}

/* A "ledger.key" entry must introduce the key row as it is. */
static LedgerFault check_key_entry(const EntryRow *e, json_t *payload, const KeyRow *keys, int nkeys,
                                   int64_t *chain_key, char *chain_pk, LedgerReport *rep)
{
    json_t *id = json_object_get(payload, "key_id"), *pk = json_object_get(payload, "public_key");
    const KeyRow *k = json_is_integer(id) ? key_find(keys, nkeys, json_integer_value(id)) : NULL;
    if (!k || !json_is_string(pk) || !str_eq(k->pk, json_string_value(pk))) {
        rep->bad_seq = e->seq;
        snprintf(rep->detail, sizeof rep->detail,
                 "entry %lld introduces key %lld, but the stored public key of that key differs or is missing",
                 (long long)e->seq, json_is_integer(id) ? (long long)json_integer_value(id) : 0LL);
        return LEDGER_KEY_MISMATCH;
    }
    *chain_key = k->id;
    snprintf(chain_pk, LEDGER_PK_B64_LEN + 1, "%s", k->pk);
    return LEDGER_OK;
}

static int load_keys(Db *db, int64_t org_id, KeyRow **out, int *n)
{
    *out = NULL;
    *n = 0;
    DbStmt *st = db_prepare(db, "SELECT id, public_key FROM org_key WHERE org_id = $1 ORDER BY id");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    int rc, cap = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *out = xrealloc(*out, (size_t)cap * sizeof **out);
        }
        (*out)[*n].id = db_col_i64(st, 0);
        snprintf((*out)[*n].pk, sizeof (*out)[*n].pk, "%s", db_col_text(st, 1));
        (*n)++;
    }
    db_done(st);
    return rc == DB_DONE ? LN_OK : LN_EDB;
}

int ledger_verify(Db *db, int64_t org_id, LedgerReport *out)
{
    memset(out, 0, sizeof *out);
    out->org_id = org_id;
    if (sodium_init() < 0) return LN_EIO;
    KeyRow *keys = NULL;
    int nkeys = 0;
    int64_t max_ck = 0, head = 0;
    char head_hash[LEDGER_HEX_LEN + 2] = "";
    bool have_head = false;
    /* Checkpoints first, then the head, then entries: each of them was
     * committed before what is read next, so appends running meanwhile
     * cannot look like a fault. */
    int64_t digest_from = 1;
    int rc = load_keys(db, org_id, &keys, &nkeys);
    if (rc == LN_OK) rc = ledger_digest_from(db, org_id, &digest_from);
    if (rc == LN_OK && db_query_i64(db, &max_ck, "SELECT COALESCE(max(id), 0) FROM ledger_checkpoint WHERE org_id = $1",
                                    "i", org_id) != DB_ROW)
        rc = LN_EDB;
    if (rc == LN_OK) {
        DbStmt *st = db_prepare(db, "SELECT seq, hash FROM ledger_head WHERE org_id = $1");
        if (!st) rc = LN_EDB;
        else {
            db_bind_i64(st, 1, org_id);
            int s = db_step(st);
            if (s == DB_ROW) {
                have_head = true;
                head = db_col_i64(st, 0);
                snprintf(head_hash, sizeof head_hash, "%s", db_col_text(st, 1));
            } else if (s != DB_DONE) rc = LN_EDB;
            db_done(st);
        }
    }
    Walker *w = xcalloc(1, sizeof *w);
    CkCursor *ck = xcalloc(1, sizeof *ck);
    walker_init(w, db, org_id, 0, 0);
    ck->db = db;
    ck->org_id = org_id;
    ck->max_id = max_ck;
    ck->last_seq = INT64_MIN;
    char prev[LEDGER_HEX_LEN + 1];
    snprintf(prev, sizeof prev, "%s", ZERO_HASH);
    int64_t expect = 1, chain_key = 0;
    char chain_pk[LEDGER_PK_B64_LEN + 1] = "";
    LedgerFault f = LEDGER_OK;
    const EntryRow *e;
    const CkRow *c;
    int got = 0;
    while (rc == LN_OK && f == LEDGER_OK && (got = walker_next(w, &e)) == 1) {
        json_t *payload = NULL;
        f = check_entry(org_id, digest_from, expect, prev, e, out, &payload);
        if (f == LEDGER_OK && have_head && e->seq == head && !str_eq(e->hash, head_hash)) {
            f = LEDGER_HEAD_MISMATCH;
            out->bad_seq = e->seq;
            snprintf(out->detail, sizeof out->detail, "the head row records hash %.16s… for entry %lld, the entry has %.16s…",
                     head_hash, (long long)e->seq, e->hash);
        }
        if (f == LEDGER_OK && str_eq(e->kind, LEDGER_KIND_KEY))
            f = check_key_entry(e, payload, keys, nkeys, &chain_key, chain_pk, out);
        json_decref(payload);
        if (f != LEDGER_OK) break;
        out->entries++;
        out->head_seq = e->seq;
        snprintf(out->head_hash, sizeof out->head_hash, "%s", e->hash);
        snprintf(out->public_key, sizeof out->public_key, "%s", chain_pk);
        snprintf(prev, sizeof prev, "%s", e->hash);
        expect++;
        /* the checkpoints that name this entry */
        while (f == LEDGER_OK && (got = ck_peek(ck, &c)) == 1 && c->seq <= e->seq) {
            if (c->seq < e->seq) {
                f = LEDGER_CHECKPOINT_NO_ENTRY;
                out->bad_seq = c->seq;
                snprintf(out->detail, sizeof out->detail, "a checkpoint names entry %lld, which cannot exist", (long long)c->seq);
                break;
            }
            f = check_checkpoint(org_id, c, e->hash, chain_key, keys, nkeys, out);
            if (f != LEDGER_OK) break;
            out->checkpoints++;
            out->last_checkpoint_seq = c->seq;
            out->last_checkpoint_at = c->at;
            ck->i++;
        }
        if (got < 0) rc = LN_EDB;
    }
    if (got < 0) rc = LN_EDB;
    int64_t last = out->head_seq;
    if (rc == LN_OK && f == LEDGER_OK) {
        if (have_head && head > last) {
            f = LEDGER_HEAD_MISMATCH;
            out->bad_seq = last + 1;
            snprintf(out->detail, sizeof out->detail, "entries %lld to %lld are missing: the head row records entry %lld",
                     (long long)last + 1, (long long)head, (long long)head);
        } else if (!have_head && last > 0) {
            f = LEDGER_HEAD_MISMATCH;
            out->bad_seq = last;
            snprintf(out->detail, sizeof out->detail, "the head row is missing although there are %lld entries", (long long)last);
        } else if ((got = ck_peek(ck, &c)) == 1) {
            f = LEDGER_CHECKPOINT_NO_ENTRY;
            out->bad_seq = last + 1;
            snprintf(out->detail, sizeof out->detail,
                     "a checkpoint signed entry %lld, but the ledger ends at entry %lld: entries were removed",
                     (long long)c->seq, (long long)last);
        } else if (got < 0) rc = LN_EDB;
    }
    walker_free(w);
    free(w);
    free(ck);
    free(keys);
    out->fault = f;
    if (f == LEDGER_OK) out->bad_seq = 0;
    if (rc != LN_OK) return rc;
    return f == LEDGER_OK ? LN_OK : LN_EINVAL;
}

/* ======================================================================
 * A bounded check of a span of the chain (public verification pages)
 * ==================================================================== */

int ledger_verify_span(Db *db, int64_t org_id, int64_t from_seq, int64_t to_seq, int64_t max_entries,
                       LedgerSpanReport *out)
{
    memset(out, 0, sizeof *out);
    out->from_seq = from_seq;
    LedgerReport rep;
    memset(&rep, 0, sizeof rep);
    if (from_seq < 1 || to_seq < from_seq) return LN_EINVAL;
    int64_t digest_from;
    if (ledger_digest_from(db, org_id, &digest_from) != LN_OK) return LN_EDB;
    /* the first checkpoint at or after the span vouches for it */
    CkRow c;
    memset(&c, 0, sizeof c);
    DbStmt *st = db_prepare(db, "SELECT id, seq, hash, at, key_id, signature FROM ledger_checkpoint"
                                " WHERE org_id = $1 AND seq >= $2 ORDER BY seq, id LIMIT 1");
    if (!st) return LN_EDB;
    db_bind_i64(st, 1, org_id);
    db_bind_i64(st, 2, to_seq);
    int s = db_step(st);
    if (s == DB_ROW) {
        c.id = db_col_i64(st, 0);
        c.seq = db_col_i64(st, 1);
        snprintf(c.hash, sizeof c.hash, "%s", db_col_text(st, 2));
        c.at = db_col_i64(st, 3);
        c.key_id = db_col_i64(st, 4);
        snprintf(c.signature, sizeof c.signature, "%s", db_col_text(st, 5));
    }
    db_done(st);
    if (s != DB_ROW && s != DB_DONE) return LN_EDB;
    int64_t end = c.id ? c.seq : to_seq;
    out->to_seq = end;
    if (end - from_seq + 1 > max_entries) {
        out->too_long = true;
        return LN_OK;
    }
    /* the previous hash, as stored (the span is checked, not what is before it) */
    char prev[LEDGER_HEX_LEN + 2];
    snprintf(prev, sizeof prev, "%s", ZERO_HASH);
    if (from_seq > 1) {
        st = db_prepare(db, "SELECT hash FROM ledger_entry WHERE org_id = $1 AND seq = $2");
        if (!st) return LN_EDB;
        db_bind_i64(st, 1, org_id);
        db_bind_i64(st, 2, from_seq - 1);
        s = db_step(st);
        if (s == DB_ROW) snprintf(prev, sizeof prev, "%s", db_col_text(st, 0));
        db_done(st);
        if (s != DB_ROW) {
            out->fault = LEDGER_GAP;
            out->bad_seq = from_seq - 1;
            snprintf(out->detail, sizeof out->detail, "entry %lld is missing", (long long)(from_seq - 1));
            return LN_EINVAL;
        }
    }
    Walker w;
    walker_init(&w, db, org_id, from_seq - 1, end);
    const EntryRow *e;
    int64_t expect = from_seq;
    int rc = LN_OK, got;
    while ((got = walker_next(&w, &e)) == 1) {
        LedgerFault f = check_entry(org_id, digest_from, expect, prev, e, &rep, NULL);
        if (f != LEDGER_OK) {
            out->fault = f;
            out->bad_seq = rep.bad_seq;
            snprintf(out->detail, sizeof out->detail, "%s", rep.detail);
            rc = LN_EINVAL;
            break;
        }
        snprintf(prev, sizeof prev, "%s", e->hash);
        out->entries++;
        expect++;
    }
    walker_free(&w);
    if (got < 0) return LN_EDB;
    if (rc == LN_OK && expect <= end) {
        out->fault = LEDGER_GAP;
        out->bad_seq = expect;
        snprintf(out->detail, sizeof out->detail, "entry %lld is missing", (long long)expect);
        rc = LN_EINVAL;
    }
    if (rc != LN_OK || !c.id) return rc;
    KeyRow *keys;
    int nkeys;
    if (load_keys(db, org_id, &keys, &nkeys) != LN_OK) return LN_EDB;
    LedgerFault f = check_checkpoint(org_id, &c, prev, c.key_id, keys, nkeys, &rep);
    const KeyRow *k = key_find(keys, nkeys, c.key_id);
    if (k) snprintf(out->public_key, sizeof out->public_key, "%s", k->pk);
    free(keys);
    if (f != LEDGER_OK) {
        out->fault = f;
        out->bad_seq = rep.bad_seq;
        snprintf(out->detail, sizeof out->detail, "%s", rep.detail);
        return LN_EINVAL;
    }
    out->checkpoint_seq = c.seq;
    out->checkpoint_at = c.at;
    return LN_OK;
}
