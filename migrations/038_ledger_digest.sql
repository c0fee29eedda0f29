-- 038 the ledger's format 2 (docs/evidence.md "Formats"): from an
-- organisation's digest_from on, an entry's hash chains the SHA-256 of its
-- canonical bytes instead of the bytes themselves, so that one learner's
-- entries can be proved (an audit pack) with only the digests of the others,
-- not their contents.  A chain begun before switches after its last entry;
-- an organisation without a row began with format 2.
CREATE TABLE ledger_format (
    org_id BIGINT PRIMARY KEY REFERENCES org(id),
    digest_from BIGINT NOT NULL
);
INSERT INTO ledger_format (org_id, digest_from) SELECT org_id, max(seq) + 1 FROM ledger_entry GROUP BY org_id;
