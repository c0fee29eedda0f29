/* test_ledger.c — the evidence ledger: canonical JSON vectors, appending
 * and verifying, checkpoints and keys, every kind of tampering verify must
 * catch, and two concurrent appenders.  Runs on SQLite and PostgreSQL
 * (LECTERN_TEST_DB). */
#include "testutil.h"
#include "evidence/ledger.h"
#include "http/app.h"
#include "org/org.h"

#include <pthread.h>
#include <sodium.h>
#include <sys/stat.h>

static Db *db;
static App app;
static char dir[64];
static int org_counter;

static const char ZERO[] = "0000000000000000000000000000000000000000000000000000000000000000";

static int setup(void **state)
{
    if (sodium_init() < 0) return -1;
    snprintf(dir, sizeof dir, "/tmp/lectern-ledger-XXXXXX");
    if (!mkdtemp(dir)) return -1;
    config_defaults(&app.cfg);
    config_set(&app.cfg, "data", dir);
    char *err = NULL;
    db = db_open(test_db_url(), NULL, &err);
    if (!db || db_migrate(db, false) < 0) {
        fprintf(stderr, "cannot open %s: %s\n", test_db_url(), err ? err : "migrations failed");
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    db_close(db);
    rm_tree(dir);
    config_free(&app.cfg);
    return 0;
}

/* ---- helpers ---- */

static int64_t new_org(const char *what)
{
    char slug[64];
    snprintf(slug, sizeof slug, "ledger-%s-%d-%d", what, (int)getpid(), ++org_counter);
    int64_t id = 0;
    assert_int_equal(org_create(db, slug, "Ledger test", false, time_now_us(), &id), LN_OK);
    return id;
}

static char *canon(const char *json_text)
{
    json_error_t e;
    json_t *j = json_loads(json_text, JSON_DECODE_ANY, &e);
    assert_non_null(j);
    Buf b;
    buf_init(&b, 0);
    int rc = ledger_canonical(j, &b);
    json_decref(j);
    if (rc != LN_OK) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b);
}

static void assert_canon(const char *in, const char *want)
{
    char *got = canon(in);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static int canon_value(json_t *j)
{
    Buf b;
    buf_init(&b, 0);
    int rc = ledger_canonical(j, &b);
    buf_free(&b);
    json_decref(j);
    return rc;
}

/* Append `n` entries in one transaction each; returns the last seq. */
static int64_t fill(int64_t org, int n)
{
    int64_t seq = 0;
    for (int i = 0; i < n; i++) {
        json_t *p = json_pack("{s:i,s:I,s:s}", "i", i, "signed_at", (json_int_t)(1700000000000000LL + i), "who", "Élodie");
        assert_int_equal(db_begin(db), DB_DONE);
        assert_int_equal(ledger_append(db, org, "attendance.signed", "run:7 user:42", p, 1700000000000000LL + i, &seq),
                         LN_OK);
        assert_int_equal(db_commit(db), DB_DONE);
        json_decref(p);
    }
    return seq;
}

static LedgerFault verify_fault(int64_t org, int64_t *bad_seq)
{
    LedgerReport rep;
    int rc = ledger_verify(db, org, &rep);
    assert_true(rc == LN_OK || rc == LN_EINVAL);
    assert_int_equal(rc == LN_OK, rep.fault == LEDGER_OK);
    if (bad_seq) *bad_seq = rep.bad_seq;
    if (rep.fault != LEDGER_OK) assert_true(rep.detail[0] != 0);
    return rep.fault;
}

static void assert_fault(int64_t org, LedgerFault want, int64_t want_seq)
{
    int64_t bad = -1;
    LedgerFault f = verify_fault(org, &bad);
    if (f != want || bad != want_seq) {
        LedgerReport rep;
        ledger_verify(db, org, &rep);
        fail_msg("expected %s at %lld, got %s at %lld: %s", ledger_fault_code(want), (long long)want_seq,
                 ledger_fault_code(f), (long long)bad, rep.detail);
    }
}

static void sql(const char *q, const char *spec, int64_t org, int64_t seq)
{
    assert_int_equal(db_run(db, q, spec, org, seq), DB_DONE);
}

static char *col_text(const char *q, int64_t org, int64_t seq)
{
    DbStmt *st = db_prepare(db, q);
    db_bind_i64(st, 1, org);
    db_bind_i64(st, 2, seq);
    assert_int_equal(db_step(st), DB_ROW);
    char *s = xstrdup(db_col_text(st, 0));
    db_done(st);
    return s;
}

/* ---- canonical JSON ---- */

static void test_canonical_vectors(void **state)
{
    /* member order, nested, no whitespace */
    assert_canon("{ \"b\": 1, \"a\": 2, \"c\": {\"z\": true, \"y\": null, \"x\": false} }",
                 "{\"a\":2,\"b\":1,\"c\":{\"x\":false,\"y\":null,\"z\":true}}");
    assert_canon("[1, [2, {\"b\": [], \"a\": {}}], -3, 0]", "[1,[2,{\"a\":{},\"b\":[]}],-3,0]");
    /* escapes: the short forms, other controls as \u00xx, DEL and / as they are */
    assert_canon("\"q\\\"b\\\\s\\/n\\nt\\tr\\rb\\bf\\f\\u0001\\u001f\\u007f\"",
                 "\"q\\\"b\\\\s/n\\nt\\tr\\rb\\bf\\f\\u0001\\u001f\x7f\"");
    /* non-ASCII stays UTF-8, escaped or not in the input */
    assert_canon("\"\\u00c9lodie \\u20ac \\ud83d\\ude00\"", "\"Élodie € 😀\"");
    assert_canon("{\"prénom\":\"Benoît\"}", "{\"prénom\":\"Benoît\"}");
    /* RFC 8785 §3.2.3: names sort by UTF-16 code units (😀 before U+FB33) */
    assert_canon("{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
                 "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\","
                 "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}",
                 "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
                 "\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\","
                 "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
    /* integers: the exact range of a double, no more */
    assert_canon("[9007199254740991,-9007199254740991,0]", "[9007199254740991,-9007199254740991,0]");
    assert_null(canon("9007199254740992"));
    assert_null(canon("-9007199254740992"));
    /* no floating point */
    assert_null(canon("1.5"));
    assert_null(canon("{\"a\":[1.0]}"));
    assert_int_equal(canon_value(json_real(2.0)), LN_EINVAL);
    /* no U+0000, no invalid UTF-8 */
    assert_int_equal(canon_value(json_stringn("a\0b", 3)), LN_EINVAL);
    assert_int_equal(canon_value(json_stringn_nocheck("\xff", 1)), LN_EINVAL);
    /* depth is bounded */
    json_t *deep = json_array(), *cur = deep;
    for (int i = 0; i < LEDGER_JSON_DEPTH_MAX + 2; i++) {
        json_t *inner = json_array();
        json_array_append_new(cur, inner);
        cur = inner;
    }
    assert_int_equal(canon_value(deep), LN_EINVAL);
}

static void test_entry_hash_vectors(void **state)
{
    Buf b;
    buf_init(&b, 0);
    assert_int_equal(ledger_entry_bytes(7, 1, "test.kind", "user:1", 1700000000000000LL, "{\"a\":1,\"b\":\"É\"}", &b),
                     LN_OK);
    assert_string_equal(buf_cstr(&b),
                        "{\"at\":1700000000000000,\"kind\":\"test.kind\",\"org\":7,\"payload\":{\"a\":1,\"b\":\"É\"},"
                        "\"seq\":1,\"subject\":\"user:1\"}");
    buf_free(&b);
    char h1[65], h2[65];
    assert_int_equal(ledger_entry_hash(ZERO, 7, 1, "test.kind", "user:1", 1700000000000000LL, "{\"a\":1,\"b\":\"É\"}", h1),
                     LN_OK);
    /* SHA-256(32 zero bytes || the bytes above), computed independently */
    assert_string_equal(h1, "2b4f5f20e12e634ce3656ae18a99fd691fc099312923ad24cdf910eb0c6b937f");
    assert_int_equal(ledger_entry_hash(h1, 7, 2, "test.kind", "", 1700000000000001LL, "{}", h2), LN_OK);
    assert_string_equal(h2, "76b9995cc74738271868ddf405a171511e6ce44f27d12e6b2643ae5f41791491");
    assert_int_equal(ledger_entry_hash("ABC", 7, 2, "k", "", 0, "{}", h2), LN_EINVAL);
    /* format 2: SHA-256(32 zero bytes || SHA-256(the bytes above)), computed independently (Python hashlib) */
    char d[65], h2v[65];
    assert_int_equal(ledger_entry_digest(7, 1, "test.kind", "user:1", 1700000000000000LL, "{\"a\":1,\"b\":\"É\"}", d), LN_OK);
    assert_string_equal(d, "247bd183d2cf18ce5ea71c608dd13d6eea0f9ab35b4ccc0f6c07218b272cb74d");
    assert_int_equal(ledger_chain_hash(ZERO, d, h2v), LN_OK);
    assert_string_equal(h2v, "0990913d8f9442605b05aa64a3d9e45ede96799125f2da383bcc81b7e124dc53");
    assert_int_equal(ledger_entry_hash_at(1, ZERO, 7, 1, "test.kind", "user:1", 1700000000000000LL, "{\"a\":1,\"b\":\"É\"}",
                                          h2v), LN_OK);
    assert_string_equal(h2v, "0990913d8f9442605b05aa64a3d9e45ede96799125f2da383bcc81b7e124dc53");
    assert_int_equal(ledger_entry_hash_at(2, ZERO, 7, 1, "test.kind", "user:1", 1700000000000000LL, "{\"a\":1,\"b\":\"É\"}",
                                          h2v), LN_OK);
    assert_string_equal(h2v, h1);       /* before digest_from: format 1 */
    /* the checkpoint's signed bytes */
    unsigned char hash[32], msg[LEDGER_CHECKPOINT_MSG_LEN];
    size_t n = 0;
    sodium_hex2bin(hash, 32, "76b9995cc74738271868ddf405a171511e6ce44f27d12e6b2643ae5f41791491", 64, NULL, &n, NULL);
    ledger_checkpoint_message(7, 2, hash, 1700000000000002LL, msg);
    char hex[2 * LEDGER_CHECKPOINT_MSG_LEN + 1];
    sodium_bin2hex(hex, sizeof hex, msg, sizeof msg);
    assert_int_equal(LEDGER_CHECKPOINT_MSG_LEN, 77);
    assert_string_equal(hex, "6c65637465726e2d636865636b706f696e742d7631"     /* lectern-checkpoint-v1 */
                             "0000000000000007" "0000000000000002"
                             "76b9995cc74738271868ddf405a171511e6ce44f27d12e6b2643ae5f41791491"
                             "00060a24181e4002");
}

/* ---- append, corrections, verify ---- */

/* A chain begun in format 1 switches to format 2 at its digest_from (what
 * migration 038 does for the chains of before): both parts verify, each
 * entry hashed in the format of its place, and a digest_from moved in SQL
 * is found. */
static void test_format_switch(void **state)
{
    int64_t org = new_org("format");
    assert_int_equal(db_run(db, "INSERT INTO ledger_format (org_id, digest_from) VALUES ($1, 4)", "i", org), DB_DONE);
    assert_int_equal(fill(org, 6), 6);
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
    assert_int_equal(rep.entries, 6);
    for (int64_t s = 1; s <= 6; s++) {
        DbStmt *st = db_prepare(db, "SELECT kind, subject, at, payload, prev_hash, hash FROM ledger_entry"
                                    " WHERE org_id = $1 AND seq = $2");
        db_bind_i64(st, 1, org);
        db_bind_i64(st, 2, s);
        assert_int_equal(db_step(st), DB_ROW);
        char v1[65], d[65], v2[65];
        assert_int_equal(ledger_entry_hash(db_col_text(st, 4), org, s, db_col_text(st, 0), db_col_text(st, 1),
                                           db_col_i64(st, 2), db_col_text(st, 3), v1), LN_OK);
        assert_int_equal(ledger_entry_digest(org, s, db_col_text(st, 0), db_col_text(st, 1), db_col_i64(st, 2),
                                             db_col_text(st, 3), d), LN_OK);
        assert_int_equal(ledger_chain_hash(db_col_text(st, 4), d, v2), LN_OK);
        assert_string_equal(db_col_text(st, 5), s < 4 ? v1 : v2);
        db_done(st);
    }
    assert_int_equal(db_run(db, "UPDATE ledger_format SET digest_from = 3 WHERE org_id = $1", "i", org), DB_DONE);
    assert_int_equal(ledger_verify(db, org, &rep), LN_EINVAL);
    assert_int_equal(rep.fault, LEDGER_HASH_MISMATCH);
    assert_int_equal(rep.bad_seq, 3);
    assert_int_equal(db_run(db, "UPDATE ledger_format SET digest_from = 4 WHERE org_id = $1", "i", org), DB_DONE);
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
}

static void test_append_and_verify(void **state)
{
    int64_t org = new_org("append");
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);     /* empty: fine */
    assert_int_equal(rep.entries, 0);
    assert_int_equal(fill(org, 5), 5);
    /* a rolled-back append leaves no trace and no gap */
    int64_t seq = 0;
    assert_int_equal(db_begin(db), DB_DONE);
    assert_int_equal(ledger_append(db, org, "enrolment.created", "run:1 user:2", NULL, 1700000000000100LL, &seq), LN_OK);
    assert_int_equal(seq, 6);
    assert_int_equal(db_rollback(db), DB_DONE);
    assert_int_equal(db_begin(db), DB_DONE);
    assert_int_equal(ledger_append(db, org, "enrolment.created", "run:1 user:2", NULL, 1700000000000100LL, &seq), LN_OK);
    assert_int_equal(seq, 6);
    assert_int_equal(db_commit(db), DB_DONE);
    /* stored as documented */
    char *payload = col_text("SELECT payload FROM ledger_entry WHERE org_id = $1 AND seq = $2", org, 1);
    assert_string_equal(payload, "{\"i\":0,\"signed_at\":1700000000000000,\"who\":\"Élodie\"}");
    free(payload);
    char *prev = col_text("SELECT prev_hash FROM ledger_entry WHERE org_id = $1 AND seq = $2", org, 1);
    assert_string_equal(prev, ZERO);
    free(prev);
    char *h1 = col_text("SELECT hash FROM ledger_entry WHERE org_id = $1 AND seq = $2", org, 1);
    char *p2 = col_text("SELECT prev_hash FROM ledger_entry WHERE org_id = $1 AND seq = $2", org, 2);
    assert_string_equal(h1, p2);
    free(h1);
    free(p2);
    /* corrections */
    json_t *fix = json_pack("{s:s}", "reason", "signed for the wrong session");
    assert_int_equal(db_begin(db), DB_DONE);
    assert_int_equal(ledger_correct(db, org, 2, "attendance.corrected", "run:7 user:42", fix, 1700000000000200LL, &seq), LN_OK);
    assert_int_equal(seq, 7);
    assert_null(json_object_get(fix, "corrects"));      /* the caller's object is left alone */
    assert_int_equal(ledger_correct(db, org, 99, "attendance.corrected", "", fix, 1700000000000200LL, &seq), LN_NOTFOUND);
    json_object_set_new(fix, "corrects", json_integer(3));
    assert_int_equal(ledger_correct(db, org, 2, "attendance.corrected", "", fix, 1700000000000200LL, &seq), LN_EINVAL);
    assert_int_equal(db_commit(db), DB_DONE);
    json_decref(fix);
    char *c7 = col_text("SELECT payload FROM ledger_entry WHERE org_id = $1 AND seq = $2", org, 7);
    assert_string_equal(c7, "{\"corrects\":2,\"reason\":\"signed for the wrong session\"}");
    free(c7);
    /* refused arguments write nothing */
    json_t *bad = json_pack("{s:f}", "score", 0.5);
    assert_int_equal(ledger_append(db, org, "assessment.graded", "", bad, 1, NULL), LN_EINVAL);
    json_decref(bad);
    json_t *arr = json_array();
    assert_int_equal(ledger_append(db, org, "x", "", arr, 1, NULL), LN_EINVAL);
    json_decref(arr);
    assert_int_equal(ledger_append(db, org, "Bad Kind", "", NULL, 1, NULL), LN_EINVAL);
    assert_int_equal(ledger_append(db, org, "ok", "line\nbreak", NULL, 1, NULL), LN_EINVAL);
    assert_int_equal(ledger_append(db, org, "ok", "", NULL, -1, NULL), LN_EINVAL);
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
    assert_int_equal(rep.entries, 7);
    assert_int_equal(rep.head_seq, 7);
    assert_int_equal(rep.checkpoints, 0);
    assert_string_equal(rep.detail, "");
}

/* ---- keys and checkpoints ---- */

static void key_file(const LedgerKey *k, char *out, size_t n)
{
    unsigned char pk[32];
    size_t len = 0;
    sodium_base642bin(pk, 32, k->public_key, strlen(k->public_key), NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL);
    char fp[17];
    sodium_bin2hex(fp, sizeof fp, pk, 8);
    snprintf(out, n, "%s/keys/org-%lld-%s.key", dir, (long long)k->org_id, fp);
}

static void test_checkpoints_and_keys(void **state)
{
    int64_t org = new_org("keys");
    fill(org, 3);
    int64_t seq = 0;
    assert_int_equal(ledger_checkpoint(db, &app, org, &seq), LN_OK);
    assert_int_equal(seq, 4);           /* the key's introduction is entry 4 */
    LedgerKeyList kl;
    Arena *a = arena_new();
    assert_int_equal(ledger_keys(db, a, org, &kl), LN_OK);
    assert_int_equal(kl.n, 1);
    assert_int_equal(kl.items[0].valid_until, 0);
    assert_int_equal(strlen(kl.items[0].public_key), LEDGER_PK_B64_LEN);
    char *key_entry = col_text("SELECT kind FROM ledger_entry WHERE org_id = $1 AND seq = $2", org, 4);
    assert_string_equal(key_entry, LEDGER_KIND_KEY);
    free(key_entry);
    /* the secret is a 0600 file in a 0700 folder, not in the database */
    char path[512], kdir[512];
    key_file(&kl.items[0], path, sizeof path);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    snprintf(kdir, sizeof kdir, "%s/keys", dir);
    assert_int_equal(stat(kdir, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    /* the signature verifies with the published key over the documented bytes */
    DbStmt *st = db_prepare(db, "SELECT seq, hash, at, signature FROM ledger_checkpoint WHERE org_id = $1");
    db_bind_i64(st, 1, org);
    assert_int_equal(db_step(st), DB_ROW);
    unsigned char h[32], sig[64], pk[32], msg[LEDGER_CHECKPOINT_MSG_LEN];
    size_t n = 0;
    assert_int_equal(sodium_hex2bin(h, 32, db_col_text(st, 1), 64, NULL, &n, NULL), 0);
    assert_int_equal(sodium_base642bin(sig, 64, db_col_text(st, 3), strlen(db_col_text(st, 3)), NULL, &n, NULL,
                                       sodium_base64_VARIANT_ORIGINAL), 0);
    assert_int_equal(sodium_base642bin(pk, 32, kl.items[0].public_key, LEDGER_PK_B64_LEN, NULL, &n, NULL,
                                       sodium_base64_VARIANT_ORIGINAL), 0);
    ledger_checkpoint_message(org, db_col_i64(st, 0), h, db_col_i64(st, 2), msg);
    assert_int_equal(crypto_sign_verify_detached(sig, msg, sizeof msg, pk), 0);
    db_done(st);
    /* key_ensure finds it; a second checkpoint of the same head is allowed */
    LedgerKey k;
    bool created = true;
    assert_int_equal(ledger_key_ensure(db, &app, org, &k, &created), LN_OK);
    assert_false(created);
    assert_string_equal(k.public_key, kl.items[0].public_key);
    assert_int_equal(ledger_checkpoint(db, &app, org, &seq), LN_OK);
    assert_int_equal(seq, 4);
    /* rotation: a new key, the old one kept with its validity */
    LedgerKey k2;
    assert_int_equal(ledger_key_rotate(db, &app, org, &k2), LN_OK);
    assert_string_not_equal(k2.public_key, k.public_key);
    fill(org, 1);
    assert_int_equal(ledger_checkpoint(db, &app, org, &seq), LN_OK);
    assert_int_equal(seq, 6);           /* 5 introduced key 2, 6 is the new fact */
    assert_int_equal(ledger_keys(db, a, org, &kl), LN_OK);
    assert_int_equal(kl.n, 2);
    assert_int_equal(kl.items[0].id, k2.id);
    assert_int_equal(kl.items[1].valid_until, kl.items[0].valid_from);
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
    assert_int_equal(rep.entries, 6);
    assert_int_equal(rep.checkpoints, 3);
    assert_int_equal(rep.last_checkpoint_seq, 6);
    assert_string_equal(rep.public_key, k2.public_key);
    /* the secret file: missing → not found, readable by others → refused */
    LedgerKey cur = kl.items[0];
    key_file(&cur, path, sizeof path);
    char moved[600];
    snprintf(moved, sizeof moved, "%s.away", path);
    assert_int_equal(rename(path, moved), 0);
    assert_int_equal(ledger_checkpoint(db, &app, org, &seq), LN_NOTFOUND);
    assert_int_equal(rename(moved, path), 0);
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(ledger_checkpoint(db, &app, org, &seq), LN_EPERM);
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(ledger_checkpoint(db, &app, org, &seq), LN_OK);
    /* an organisation with no entry at all: a checkpoint makes the key and signs its entry */
    int64_t empty = new_org("empty");
    assert_int_equal(ledger_checkpoint(db, &app, empty, &seq), LN_OK);
    assert_int_equal(seq, 1);
    assert_int_equal(verify_fault(empty, NULL), LEDGER_OK);
    arena_free(a);
}

static void test_periodic_checkpoints(void **state)
{
    int64_t org = new_org("due");
    fill(org, 2);
    UsTime now = time_now_us() + (int64_t)3 * 3600 * US_PER_SEC;   /* after anything other tests signed */
    int64_t head, ck;
    UsTime at;
    assert_true(ledger_checkpoint_due(db, &app, now) >= 1);
    assert_int_equal(ledger_status(db, org, &head, &ck, &at), LN_OK);
    assert_int_equal(head, 3);          /* the key's entry */
    assert_int_equal(ck, 3);
    assert_int_equal(at, now);
    /* head did not move: nothing to do */
    ledger_checkpoint_due(db, &app, now + 120 * US_PER_SEC);
    assert_int_equal(ledger_status(db, org, &head, &ck, &at), LN_OK);
    assert_int_equal(at, now);
    /* head moved, but the last checkpoint is younger than 60 minutes */
    fill(org, 1);
    ledger_checkpoint_due(db, &app, now + 30 * 60 * US_PER_SEC);
    assert_int_equal(ledger_status(db, org, &head, &ck, &at), LN_OK);
    assert_int_equal(ck, 3);
    /* older than 60 minutes: signed */
    ledger_checkpoint_due(db, &app, now + 61 * 60 * US_PER_SEC);
    assert_int_equal(ledger_status(db, org, &head, &ck, &at), LN_OK);
    assert_int_equal(ck, 4);
    /* checkpoint-minutes = 10 */
    app.cfg.checkpoint_minutes = 10;
    fill(org, 1);
    ledger_checkpoint_due(db, &app, now + 72 * 60 * US_PER_SEC);
    assert_int_equal(ledger_status(db, org, &head, &ck, &at), LN_OK);
    assert_int_equal(ck, 5);
    app.cfg.checkpoint_minutes = 0;
    assert_int_equal(verify_fault(org, NULL), LEDGER_OK);
}

/* ---- tampering: every case must be caught ---- */

/* An organisation with 6 entries, a checkpoint at 4 (the key entry), two
 * more entries after it. */
static int64_t tamper_org(const char *what)
{
    int64_t org = new_org(what);
    fill(org, 3);
    int64_t seq;
    assert_int_equal(ledger_checkpoint(db, &app, org, &seq), LN_OK);
    assert_int_equal(seq, 4);
    fill(org, 2);
    assert_int_equal(verify_fault(org, NULL), LEDGER_OK);
    return org;
}

static void test_tamper_payload_and_time(void **state)
{
    int64_t org = tamper_org("payload");
    char *orig = col_text("SELECT payload FROM ledger_entry WHERE org_id = $1 AND seq = $2", org, 5);
    /* the signing time inside the payload, moved back one hour, after the last checkpoint */
    sql("UPDATE ledger_entry SET payload = '{\"i\":0,\"signed_at\":1699996400000000,\"who\":\"Élodie\"}'"
        " WHERE org_id = $1 AND seq = $2", "ii", org, 5);
    assert_fault(org, LEDGER_HASH_MISMATCH, 5);
    /* a checkpoint is refused while the entries since the last one do not verify */
    int64_t seq;
    assert_int_equal(ledger_checkpoint(db, &app, org, &seq), LN_EINVAL);
    assert_int_equal(db_run(db, "UPDATE ledger_entry SET payload = $3 WHERE org_id = $1 AND seq = $2", "iit", org,
                            (int64_t)5, orig), DB_DONE);
    assert_int_equal(verify_fault(org, NULL), LEDGER_OK);
    free(orig);
    /* before the checkpoint */
    sql("UPDATE ledger_entry SET payload = '{\"i\":1,\"signed_at\":1699996400000001,\"who\":\"Élodie\"}'"
        " WHERE org_id = $1 AND seq = $2", "ii", org, 2);
    assert_fault(org, LEDGER_HASH_MISMATCH, 2);
    sql("UPDATE ledger_entry SET payload = '{\"i\":1,\"signed_at\":1700000000000001,\"who\":\"Élodie\"}'"
        " WHERE org_id = $1 AND seq = $2", "ii", org, 2);
    assert_int_equal(verify_fault(org, NULL), LEDGER_OK);
    /* the entry the last checkpoint signed: refused too */
    sql("UPDATE ledger_entry SET at = at + $2 WHERE org_id = $1 AND seq = 4", "ii", org, 1);
    assert_fault(org, LEDGER_HASH_MISMATCH, 4);
    assert_int_equal(ledger_checkpoint(db, &app, org, &seq), LN_EINVAL);
    sql("UPDATE ledger_entry SET at = at - $2 WHERE org_id = $1 AND seq = 4", "ii", org, 1);
    assert_int_equal(verify_fault(org, NULL), LEDGER_OK);
    /* the at column */
    sql("UPDATE ledger_entry SET at = at - 3600000000 WHERE org_id = $1 AND seq = $2", "ii", org, 5);
    assert_fault(org, LEDGER_HASH_MISMATCH, 5);
    sql("UPDATE ledger_entry SET at = at + 3600000000 WHERE org_id = $1 AND seq = $2", "ii", org, 5);
    /* the same payload written differently (not canonical) */
    sql("UPDATE ledger_entry SET payload = '{\"who\":\"Élodie\",\"i\":0,\"signed_at\":1700000000000000}'"
        " WHERE org_id = $1 AND seq = $2", "ii", org, 1);
    assert_fault(org, LEDGER_BAD_ENTRY, 1);
}

static void test_tamper_delete(void **state)
{
    int64_t org = tamper_org("delete");
    sql("DELETE FROM ledger_entry WHERE org_id = $1 AND seq = $2", "ii", org, 3);
    assert_fault(org, LEDGER_GAP, 3);
    /* the last entry, the head row left as it was */
    int64_t org2 = tamper_org("delete-last");
    sql("DELETE FROM ledger_entry WHERE org_id = $1 AND seq = $2", "ii", org2, 6);
    assert_fault(org2, LEDGER_HEAD_MISMATCH, 6);
    /* the signed entry and everything after it, the head row moved back too */
    int64_t org3 = tamper_org("delete-tail");
    sql("DELETE FROM ledger_entry WHERE org_id = $1 AND seq >= $2", "ii", org3, 4);
    char *h3 = col_text("SELECT hash FROM ledger_entry WHERE org_id = $1 AND seq = $2", org3, 3);
    assert_int_equal(db_run(db, "UPDATE ledger_head SET seq = 3, hash = $2 WHERE org_id = $1", "it", org3, h3), DB_DONE);
    free(h3);
    assert_fault(org3, LEDGER_CHECKPOINT_NO_ENTRY, 4);
    /* and an append after a deleted tail leaves the gap visible for good */
    int64_t org4 = tamper_org("delete-append");
    sql("DELETE FROM ledger_entry WHERE org_id = $1 AND seq = $2", "ii", org4, 6);
    fill(org4, 1);
    assert_fault(org4, LEDGER_GAP, 6);
}

static void test_tamper_reorder(void **state)
{
    int64_t org = tamper_org("reorder");
    sql("UPDATE ledger_entry SET seq = -3 WHERE org_id = $1 AND seq = $2", "ii", org, 3);
    sql("UPDATE ledger_entry SET seq = 3 WHERE org_id = $1 AND seq = $2", "ii", org, 2);
    sql("UPDATE ledger_entry SET seq = 2 WHERE org_id = $1 AND seq = $2", "ii", org, -3);
    assert_fault(org, LEDGER_PREV_MISMATCH, 2);
}

static void test_tamper_checkpoint_signature(void **state)
{
    int64_t org = tamper_org("signature");
    /* a well-formed signature of other bytes */
    unsigned char pk[32], sk[64], sig[64];
    crypto_sign_keypair(pk, sk);
    crypto_sign_detached(sig, NULL, (const unsigned char *)"other", 5, sk);
    char sig64[89];
    sodium_bin2base64(sig64, sizeof sig64, sig, 64, sodium_base64_VARIANT_ORIGINAL);
    assert_int_equal(db_run(db, "UPDATE ledger_checkpoint SET signature = $2 WHERE org_id = $1", "it", org, sig64), DB_DONE);
    assert_fault(org, LEDGER_BAD_SIGNATURE, 4);
    assert_int_equal(db_run(db, "UPDATE ledger_checkpoint SET signature = 'not base64!' WHERE org_id = $1", "i", org), DB_DONE);
    assert_fault(org, LEDGER_BAD_SIGNATURE, 4);
    /* the checkpoint's time */
    int64_t org2 = tamper_org("signature-time");
    sql("UPDATE ledger_checkpoint SET at = at + $2 WHERE org_id = $1", "ii", org2, 1);
    assert_fault(org2, LEDGER_BAD_SIGNATURE, 4);
    /* a public key swapped for the forger's */
    int64_t org3 = tamper_org("signature-key");
    char pk64[45];
    sodium_bin2base64(pk64, sizeof pk64, pk, 32, sodium_base64_VARIANT_ORIGINAL);
    assert_int_equal(db_run(db, "UPDATE org_key SET public_key = $2 WHERE org_id = $1", "it", org3, pk64), DB_DONE);
    assert_fault(org3, LEDGER_KEY_MISMATCH, 4);
}

/* Rewrite entries from..last as a forger who knows the format would: the
 * chain is consistent again; only the signed checkpoint can tell. */
static void rewrite_chain(int64_t org, int64_t from, int64_t last)
{
    char *prev = col_text("SELECT hash FROM ledger_entry WHERE org_id = $1 AND seq = $2", org, from - 1);
    for (int64_t s = from; s <= last; s++) {
        DbStmt *st = db_prepare(db, "SELECT kind, subject, at, payload FROM ledger_entry WHERE org_id = $1 AND seq = $2");
        db_bind_i64(st, 1, org);
        db_bind_i64(st, 2, s);
        assert_int_equal(db_step(st), DB_ROW);
        char *kind = xstrdup(db_col_text(st, 0)), *subject = xstrdup(db_col_text(st, 1)), *payload = xstrdup(db_col_text(st, 3));
        int64_t at = db_col_i64(st, 2);
        db_done(st);
        char h[65];
        int64_t digest_from;
        assert_int_equal(ledger_digest_from(db, org, &digest_from), LN_OK);
        assert_int_equal(ledger_entry_hash_at(digest_from, prev, org, s, kind, subject, at, payload, h), LN_OK);
        assert_int_equal(db_run(db, "UPDATE ledger_entry SET prev_hash = $3, hash = $4 WHERE org_id = $1 AND seq = $2",
                                "iitt", org, s, prev, h), DB_DONE);
        free(prev);
        prev = xstrdup(h);
        free(kind);
        free(subject);
        free(payload);
    }
    assert_int_equal(db_run(db, "UPDATE ledger_head SET hash = $2 WHERE org_id = $1", "it", org, prev), DB_DONE);
    free(prev);
}

static void test_tamper_consistent_rewrite(void **state)
{
    /* a hash and its successor's prev changed together: the hash no longer recomputes */
    int64_t org = tamper_org("hash-prev");
    sql("UPDATE ledger_entry SET hash = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' WHERE org_id = $1 AND seq = $2",
        "ii", org, 2);
    sql("UPDATE ledger_entry SET prev_hash = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' WHERE org_id = $1 AND seq = $2",
        "ii", org, 3);
    assert_fault(org, LEDGER_HASH_MISMATCH, 2);
    /* a payload changed and every later hash recomputed, head row included:
     * the checkpoint's signed hash differs */
    int64_t org2 = tamper_org("rewrite");
    sql("UPDATE ledger_entry SET payload = '{\"i\":1,\"signed_at\":1699996400000001,\"who\":\"Élodie\"}'"
        " WHERE org_id = $1 AND seq = $2", "ii", org2, 2);
    rewrite_chain(org2, 2, 6);
    assert_fault(org2, LEDGER_CHECKPOINT_HASH, 4);
    /* and the checkpoint's hash moved along: its signature fails */
    char *h4 = col_text("SELECT hash FROM ledger_entry WHERE org_id = $1 AND seq = $2", org2, 4);
    assert_int_equal(db_run(db, "UPDATE ledger_checkpoint SET hash = $2 WHERE org_id = $1", "it", org2, h4), DB_DONE);
    free(h4);
    assert_fault(org2, LEDGER_BAD_SIGNATURE, 4);
}

/* ---- two appenders at once ---- */

typedef struct { int64_t org; int n; int failures; int64_t seqs[64]; } Appender;

static void *appender_main(void *arg)
{
    Appender *ap = arg;
    char *err = NULL;
    Db *conn = db_open(test_db_url(), NULL, &err);
    if (!conn) {
        free(err);
        ap->failures = ap->n;
        return NULL;
    }
    for (int i = 0; i < ap->n; i++) {
        json_t *p = json_pack("{s:i}", "i", i);
        int64_t seq = 0;
        int ok = db_begin(conn) == DB_DONE;
        ok = ok && ledger_append(conn, ap->org, "test.concurrent", "", p, time_now_us(), &seq) == LN_OK;
        ok = ok ? db_commit(conn) == DB_DONE : (db_rollback(conn), 0);
        json_decref(p);
        if (!ok) ap->failures++;
        else ap->seqs[i] = seq;
    }
    db_close(conn);
    return NULL;
}

static void test_concurrent_appenders(void **state)
{
    int64_t org = new_org("concurrent");
    Appender a = {.org = org, .n = 60}, b = {.org = org, .n = 60};
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, appender_main, &a), 0);
    assert_int_equal(pthread_create(&tb, NULL, appender_main, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_int_equal(a.failures, 0);
    assert_int_equal(b.failures, 0);
    /* every seq 1..120 handed out once */
    bool seen[121] = {false};
    for (int i = 0; i < 60; i++) {
        assert_true(a.seqs[i] >= 1 && a.seqs[i] <= 120 && !seen[a.seqs[i]]);
        seen[a.seqs[i]] = true;
        assert_true(b.seqs[i] >= 1 && b.seqs[i] <= 120 && !seen[b.seqs[i]]);
        seen[b.seqs[i]] = true;
    }
    LedgerReport rep;
    assert_int_equal(ledger_verify(db, org, &rep), LN_OK);
    assert_int_equal(rep.entries, 120);
    assert_int_equal(rep.head_seq, 120);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical_vectors),
        cmocka_unit_test(test_entry_hash_vectors),
        cmocka_unit_test(test_append_and_verify),
        cmocka_unit_test(test_format_switch),
        cmocka_unit_test(test_checkpoints_and_keys),
        cmocka_unit_test(test_periodic_checkpoints),
        cmocka_unit_test(test_tamper_payload_and_time),
        cmocka_unit_test(test_tamper_delete),
        cmocka_unit_test(test_tamper_reorder),
        cmocka_unit_test(test_tamper_checkpoint_signature),
        cmocka_unit_test(test_tamper_consistent_rewrite),
        cmocka_unit_test(test_concurrent_appenders),
    };
    return cmocka_run_group_tests_name(str_startswith(test_db_url(), "sqlite:") ? "ledger-sqlite" : "ledger-postgresql",
                                       tests, setup, teardown);
}
