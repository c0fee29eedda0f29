-- 009 the evidence ledger (docs/evidence.md): per organisation, a hash chain
-- of evidence entries, signed checkpoints of its head, and the public keys
-- that sign them.  org_key, ledger_entry and ledger_checkpoint are append
-- only: the code never updates or deletes their rows.  ledger_head is the
-- per-organisation lock and the record of the last entry appended.

-- Ed25519 signing keys.  The secret half is a file DATA/keys/org-ORG-FP.key
-- (0600; FP: the public key's first 8 bytes in hex), never in the database.  A key signs from valid_from until the
-- valid_from of the organisation's next key; its introduction is itself a
-- ledger entry (kind "ledger.key").
CREATE TABLE org_key (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    algorithm TEXT NOT NULL DEFAULT 'Ed25519',
    public_key TEXT NOT NULL UNIQUE,    -- 32 bytes, standard base64 with padding
    valid_from BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX org_key_org ON org_key (org_id, id);

CREATE TABLE ledger_entry (
    org_id BIGINT NOT NULL REFERENCES org(id),
    seq BIGINT NOT NULL,                -- 1, 2, 3 ... without gaps, per organisation
    kind TEXT NOT NULL,                 -- "enrolment.created", "ledger.key" ...
    subject TEXT NOT NULL,              -- "run:7 user:42": what the entry is about
    at BIGINT NOT NULL,                 -- microseconds, given by the caller
    payload TEXT NOT NULL,              -- canonical JSON object
    prev_hash TEXT NOT NULL,            -- hex SHA-256 of the previous entry (64 zeros for seq 1)
    hash TEXT NOT NULL,                 -- hex SHA-256(prev || canonical entry)
    PRIMARY KEY (org_id, seq)
);

CREATE TABLE ledger_head (
    org_id BIGINT PRIMARY KEY REFERENCES org(id),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    at BIGINT NOT NULL
);

CREATE TABLE ledger_checkpoint (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,                 -- hex, the hash of entry seq
    at BIGINT NOT NULL,
    key_id BIGINT NOT NULL REFERENCES org_key(id),
    signature TEXT NOT NULL             -- Ed25519, 64 bytes, standard base64
);
CREATE INDEX ledger_checkpoint_seq ON ledger_checkpoint (org_id, seq);
CREATE INDEX ledger_checkpoint_at ON ledger_checkpoint (org_id, at);
