-- 036 external MOOCs (docs/external.md): the statements received by the
-- built-in xAPI LRS (/xapi/statements), the external activities a course run
-- includes (an activity IRI on another platform, with its declared
-- duration), and the trainer's validation of each learner's record, which
-- is what a certificate counts.  Every stored statement and every
-- validation has a ledger entry written in the same transaction.
CREATE TABLE xapi_statement (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    statement_id TEXT NOT NULL,                 -- the statement's UUID, lower case
    actor TEXT NOT NULL,                        -- "mailto:…", "account:home|name", "openid:…", "sha1:…"
    actor_email TEXT NOT NULL DEFAULT '',       -- lower-case address when the actor names one
    verb TEXT NOT NULL,
    object TEXT NOT NULL,                       -- activity IRI, statement UUID (voiding), agent
    registration TEXT NOT NULL DEFAULT '',
    at BIGINT NOT NULL,                         -- the statement's timestamp (stored when it had none)
    stored BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL DEFAULT -1,     -- result.duration; -1 none
    completion BIGINT NOT NULL DEFAULT -1,      -- result.completion: 1, 0, -1 none
    success BIGINT NOT NULL DEFAULT -1,
    score_milli BIGINT,                         -- result.score.scaled × 1000
    voided BIGINT NOT NULL DEFAULT 0,           -- 1 once a voiding statement named it
    token_id BIGINT,                            -- the credential that sent it
    sha256 TEXT NOT NULL,                       -- of the statement as received, keys sorted
    ledger_seq BIGINT NOT NULL DEFAULT 0,
    body TEXT NOT NULL,                         -- the statement as stored (id, stored, authority, version)
    UNIQUE (org_id, statement_id)
);
CREATE INDEX xapi_statement_stored ON xapi_statement (org_id, stored, id);
CREATE INDEX xapi_statement_actor ON xapi_statement (org_id, actor_email, object);
CREATE TABLE external_activity (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    title TEXT NOT NULL,
    platform TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    iri TEXT NOT NULL,                          -- statements whose object is this IRI or below it count
    minutes BIGINT NOT NULL,                    -- the declared duration
    created_by BIGINT NOT NULL REFERENCES app_user(id),
    created_at BIGINT NOT NULL,
    UNIQUE (run_id, iri)
);
CREATE TABLE external_validation (
    id {{ID}},
    activity_id BIGINT NOT NULL REFERENCES external_activity(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    minutes BIGINT NOT NULL,                    -- the time accepted
    reported_minutes BIGINT NOT NULL,           -- what the statements said then
    verdict TEXT NOT NULL,                      -- the plausibility verdict then
    note TEXT NOT NULL DEFAULT '',
    decided_by BIGINT NOT NULL REFERENCES app_user(id),
    decided_at BIGINT NOT NULL,
    ledger_seq BIGINT NOT NULL DEFAULT 0,
    revoked_at BIGINT,                          -- a revoked validation stays, with its correction
    revoked_by BIGINT REFERENCES app_user(id),
    revoke_reason TEXT,
    revoke_seq BIGINT
);
CREATE UNIQUE INDEX external_validation_current ON external_validation (activity_id, user_id) WHERE revoked_at IS NULL;
-- The platform's certificate a learner sends (a PDF or an image from the
-- media store), each with a ledger entry ("external.attestation"); the
-- latest is shown beside the record.
CREATE TABLE external_attestation (
    id {{ID}},
    activity_id BIGINT NOT NULL REFERENCES external_activity(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    media_id BIGINT NOT NULL REFERENCES media(id),
    uploaded_at BIGINT NOT NULL,
    ledger_seq BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX external_attestation_user ON external_attestation (activity_id, user_id, id);
-- A certificate counts the validated time of the run's external activities.
ALTER TABLE certificate ADD COLUMN external_minutes BIGINT NOT NULL DEFAULT 0;
