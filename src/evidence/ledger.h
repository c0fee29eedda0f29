/* ledger.h — the tamper-evident evidence ledger (docs/evidence.md).
 *
 * Per organisation, a hash chain of entries:
 *
 *   entry n: org, seq n (1, 2, 3 ... no gaps), kind, subject, at, payload
 *   hash(n) = SHA-256(hash(n-1) || canonical JSON of the entry), hash(0) = 32 zero bytes
 *
 * and checkpoints: the head (seq, hash) signed with the organisation's
 * Ed25519 key.  Rows of ledger_entry, ledger_checkpoint and org_key are
 * never updated or deleted; a correction is a new entry naming the seq it
 * corrects.  ledger_verify() recomputes everything and names the first
 * entry that does not match.
 */
#ifndef LECTERN_LEDGER_H
#define LECTERN_LEDGER_H

#include <jansson.h>
#include "db/db.h"

typedef struct App App;

#define LEDGER_HASH_BYTES 32
#define LEDGER_HEX_LEN 64                   /* a hash in lower-case hex */
#define LEDGER_PK_B64_LEN 44                /* an Ed25519 public key in standard base64 */
#define LEDGER_SIG_B64_LEN 88               /* an Ed25519 signature in standard base64 */
#define LEDGER_KIND_MAX 64                  /* bytes */
#define LEDGER_SUBJECT_MAX 200              /* bytes */
#define LEDGER_PAYLOAD_MAX (64 * 1024)      /* bytes of canonical JSON */
#define LEDGER_JSON_DEPTH_MAX 32
#define LEDGER_INT_MAX INT64_C(9007199254740991)    /* 2^53 - 1: exact in every JSON reader */
#define LEDGER_CHECKPOINT_MINUTES 60        /* default of the `checkpoint-minutes` option */
#define LEDGER_CHECKPOINT_TAG "lectern-checkpoint-v1"
#define LEDGER_CHECKPOINT_MSG_LEN (21 + 8 + 8 + LEDGER_HASH_BYTES + 8)
#define LEDGER_KIND_KEY "ledger.key"        /* the entry that introduces a signing key */

/* ---- canonical JSON ------------------------------------------------------
 * RFC 8785 (JCS) restricted to integers: object members sorted by the
 * UTF-16 code units of their names, no whitespace, strings as UTF-8 with
 * only the escapes JCS prescribes (\" \\ \b \t \n \f \r, other controls as
 * \u00xx), integers in plain decimal.  Refused (LN_EINVAL): reals, integers
 * beyond ±(2^53 - 1), U+0000, invalid UTF-8, nesting deeper than
 * LEDGER_JSON_DEPTH_MAX.  Appends to `out`. */
int ledger_canonical(const json_t *v, Buf *out);

/* The bytes that are hashed after the previous hash: the canonical JSON of
 * {"at","kind","org","payload","seq","subject"}, `payload` being canonical
 * JSON already.  Appends to `out`; LN_EINVAL when a value cannot be
 * written canonically. */
int ledger_entry_bytes(int64_t org_id, int64_t seq, const char *kind, const char *subject, UsTime at,
                       const char *payload, Buf *out);
/* hex SHA-256(prev || entry bytes) into out_hex (65 bytes); prev_hex is the
 * previous entry's hash in hex (64 zeros before the first entry). */
int ledger_entry_hash(const char *prev_hex, int64_t org_id, int64_t seq, const char *kind, const char *subject,
                      UsTime at, const char *payload, char out_hex[LEDGER_HEX_LEN + 1]);
/* Format 2 (an organisation's entries from its digest_from on):
 *   digest(n) = SHA-256(canonical JSON of the entry)
 *   hash(n)   = SHA-256(hash(n-1) || digest(n))        (32 raw bytes each)
 * so an entry is proved with the digests of its neighbours alone.  Format 1
 * (before): hash(n) = SHA-256(hash(n-1) || canonical JSON), as
 * ledger_entry_hash.  Hex in and out (65 bytes). */
int ledger_entry_digest(int64_t org_id, int64_t seq, const char *kind, const char *subject, UsTime at,
                        const char *payload, char out_hex[LEDGER_HEX_LEN + 1]);
int ledger_chain_hash(const char *prev_hex, const char *digest_hex, char out_hex[LEDGER_HEX_LEN + 1]);
/* The hash of entry `seq` in the format of its place: format 2 when seq >=
 * digest_from. */
int ledger_entry_hash_at(int64_t digest_from, const char *prev_hex, int64_t org_id, int64_t seq, const char *kind,
                         const char *subject, UsTime at, const char *payload, char out_hex[LEDGER_HEX_LEN + 1]);
/* The organisation's first entry of format 2 (1: it began with it). */
int ledger_digest_from(Db *db, int64_t org_id, int64_t *out);

/* The signed bytes of a checkpoint: "lectern-checkpoint-v1" (21 ASCII bytes)
 * || org_id || seq (8-byte big-endian each) || hash (32 raw bytes) || at
 * (8-byte big-endian microseconds). */
void ledger_checkpoint_message(int64_t org_id, int64_t seq, const unsigned char hash[LEDGER_HASH_BYTES], UsTime at,
                               unsigned char out[LEDGER_CHECKPOINT_MSG_LEN]);

/* ---- appending -----------------------------------------------------------
 * MUST run inside the caller's transaction (db_begin ... db_commit), so that
 * the fact and its entry commit or roll back together.  Serialises appends
 * of one organisation by locking its ledger_head row (SQLite: the writer
 * lock of BEGIN IMMEDIATE).  `kind` is [a-z][a-z0-9_.-]*, at most 64 bytes
 * ("enrolment.created"); `subject` names what the entry is about, by
 * convention "type:id" words in alphabetical order ("run:7 user:42"), UTF-8
 * without control characters, at most 200 bytes, may be "".  `payload` is a
 * JSON object (NULL for {}), borrowed, integers only.  *seq (may be NULL)
 * gets the entry's number.  LN_EINVAL on a bad argument, LN_EDB. */
int ledger_append(Db *db, int64_t org_id, const char *kind, const char *subject, json_t *payload, UsTime at,
                  int64_t *seq);
/* A correction: appends `payload` plus "corrects": `corrects` (the seq of
 * an earlier entry of the same organisation).  Same rules as ledger_append;
 * LN_NOTFOUND when there is no such entry, LN_EINVAL when `payload`
 * already names another "corrects". */
int ledger_correct(Db *db, int64_t org_id, int64_t corrects, const char *kind, const char *subject,
                   json_t *payload, UsTime at, int64_t *seq);

/* For the checks of rows against their entries (`lectern verify`): is
 * `stored` (a payload column) the canonical JSON of `want` (reference
 * stolen)?  And how many entries of `kind` the organisation holds. */
bool ledger_payload_is(json_t *want, const char *stored);
int ledger_kind_count(Db *db, int64_t org_id, const char *kind, int64_t *n);

/* ---- signing keys --------------------------------------------------------
 * The public half is a row of org_key; the secret half (the 32-byte
 * Ed25519 seed, base64) is the file DATA/keys/org-ORG-FP.key (FP: the
 * public key's first 8 bytes in hex), mode 0600, never in the database.  A key is made when an organisation first needs
 * one (its first checkpoint, or `lectern key show`); its introduction is
 * an entry of kind "ledger.key".  A key is valid from its valid_from until
 * the next key's. */
typedef struct LedgerKey {
    int64_t id, org_id;
    char public_key[LEDGER_PK_B64_LEN + 1];
    UsTime valid_from;
    UsTime valid_until;         /* 0: the current key */
} LedgerKey;
typedef struct LedgerKeyList { LedgerKey *items; int n; } LedgerKeyList;
/* The organisation's keys, newest (current) first; n = 0 when none. */
int ledger_keys(Db *db, Arena *a, int64_t org_id, LedgerKeyList *out);
/* The current key, made now when there is none (*created says so).  Runs
 * its own transaction. */
int ledger_key_ensure(Db *db, App *app, int64_t org_id, LedgerKey *out, bool *created);
/* A new key that signs from now on; the old ones stay, to verify what they
 * signed.  Runs its own transaction. */
int ledger_key_rotate(Db *db, App *app, int64_t org_id, LedgerKey *out);

/* ---- checkpoints ---------------------------------------------------------
 * Sign the head now (making the key when there is none).  Runs its own
 * transaction; first re-verifies the entries since the last checkpoint and
 * refuses (LN_EINVAL, logged) to sign a chain that does not verify.
 * LN_NOTFOUND when the organisation's secret key file is missing. */
int ledger_checkpoint(Db *db, App *app, int64_t org_id, int64_t *seq);
/* Checkpoint every organisation whose head moved since its last checkpoint
 * and whose last checkpoint is older than `checkpoint-minutes` (default 60)
 * at `now`.  Returns the number made, or a negative LN_ code. */
int ledger_checkpoint_due(Db *db, App *app, UsTime now);
/* The organisation's last checkpoint; LN_NOTFOUND when it has none. */
typedef struct LedgerCheckpoint {
    int64_t id, seq, key_id;
    UsTime at;
    char *hash, *signature;             /* hex, base64 */
} LedgerCheckpoint;
int ledger_checkpoint_last(Db *db, Arena *a, int64_t org_id, LedgerCheckpoint *out);
/* The head (0 when no entry yet) and the last checkpoint (seq and time, 0
 * when none) of an organisation, as recorded (not verified). */
int ledger_status(Db *db, int64_t org_id, int64_t *head_seq, int64_t *checkpoint_seq, UsTime *checkpoint_at);
/* For the once-a-second tick of `lectern serve`: ledger_checkpoint_due at
 * most every 30 seconds. */
void ledger_tick(App *app, Db *db);

/* ---- verification -------------------------------------------------------- */
typedef enum {
    LEDGER_OK = 0,
    LEDGER_GAP,                 /* an entry is missing: seq jumps */
    LEDGER_PREV_MISMATCH,       /* prev_hash is not the previous entry's hash */
    LEDGER_HASH_MISMATCH,       /* hash is not SHA-256(prev || canonical entry) */
    LEDGER_BAD_ENTRY,           /* payload not canonical JSON, bad correction or key entry */
    LEDGER_CHECKPOINT_HASH,     /* a checkpoint names a hash the entry does not have */
    LEDGER_BAD_SIGNATURE,       /* a checkpoint's signature does not verify */
    LEDGER_KEY_MISMATCH,        /* a key row differs from its ledger.key entry, or the wrong key signed */
    LEDGER_CHECKPOINT_NO_ENTRY, /* a checkpoint names an entry that is not there */
    LEDGER_HEAD_MISMATCH,       /* the head row disagrees with the last entries */
} LedgerFault;

typedef struct LedgerReport {
    int64_t org_id;
    int64_t entries;            /* entries that verified (before the fault) */
    int64_t checkpoints;        /* checkpoints that verified (before the fault) */
    int64_t head_seq;           /* last entry that verified, 0 when none */
    char head_hash[LEDGER_HEX_LEN + 1];
    int64_t last_checkpoint_seq;    /* last checkpoint that verified, 0 when none */
    UsTime last_checkpoint_at;
    char public_key[LEDGER_PK_B64_LEN + 1];     /* the key in force at head_seq, "" when none */
    LedgerFault fault;
    int64_t bad_seq;            /* the first bad entry (or the entry a bad checkpoint names) */
    char detail[320];           /* one English sentence, "" when ok */
} LedgerReport;

/* Recompute the organisation's whole chain and check every checkpoint,
 * streaming (pages of rows, never the whole chain in memory).  LN_OK when
 * everything verifies, LN_EINVAL when something does not (out->fault,
 * bad_seq, detail), LN_EDB.  Reads only; stops at the first fault. */
int ledger_verify(Db *db, int64_t org_id, LedgerReport *out);
/* A bounded check for public verification pages: entries from_seq ..
 * to_seq and on to the first checkpoint at or after to_seq (the one that
 * vouches for them), each recomputed from the stored hash of entry
 * from_seq - 1, and that checkpoint's signature.  What is before from_seq
 * is not checked (`lectern verify` checks everything).  When the span to
 * the checkpoint is longer than max_entries nothing is checked and
 * too_long is set.  LN_OK (checkpoint_seq 0: no checkpoint covers the span
 * yet), LN_EINVAL with fault, bad_seq and detail, LN_EDB. */
typedef struct LedgerSpanReport {
    int64_t from_seq, to_seq;       /* to_seq: the checkpoint's entry when there is one */
    int64_t entries;                /* entries that verified */
    bool too_long;
    int64_t checkpoint_seq;
    UsTime checkpoint_at;
    char public_key[LEDGER_PK_B64_LEN + 2];     /* the key that signed the checkpoint */
    LedgerFault fault;
    int64_t bad_seq;
    char detail[320];
} LedgerSpanReport;
int ledger_verify_span(Db *db, int64_t org_id, int64_t from_seq, int64_t to_seq, int64_t max_entries,
                       LedgerSpanReport *out);

/* "ok", "gap", "prev_mismatch", "hash_mismatch", ... */
const char *ledger_fault_code(LedgerFault f);

#endif
