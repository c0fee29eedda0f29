-- 033 completion certificates (docs/certificates.md): one per learner and
-- course run at a time, its figures computed from the evidence when it is
-- issued and frozen here and in its ledger entry ("certificate.issued").
-- Revoking sets revoked_* and appends a correction ("certificate.revoked");
-- a new certificate may then be issued.
CREATE TABLE certificate (
    id {{ID}},
    public_id TEXT NOT NULL UNIQUE,             -- random, in the verification link
    org_id BIGINT NOT NULL REFERENCES org(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    action_type TEXT NOT NULL CHECK (action_type IN ('training', 'skills_assessment', 'vae', 'apprenticeship')),
    employer TEXT NOT NULL DEFAULT '',
    learner_name TEXT NOT NULL,                 -- as on the day it was issued
    course_title TEXT NOT NULL,
    run_title TEXT NOT NULL,
    first_at BIGINT NOT NULL,                   -- the first and last evidence of participation
    last_at BIGINT NOT NULL,
    live_minutes BIGINT NOT NULL,               -- signed half-days of live sessions
    distance_minutes BIGINT NOT NULL,           -- active time of the connection sessions
    live_sessions BIGINT NOT NULL,
    connection_sessions BIGINT NOT NULL,
    attempts BIGINT NOT NULL,                   -- assessments submitted
    issued_at BIGINT NOT NULL,
    issued_by BIGINT NOT NULL REFERENCES app_user(id),
    ledger_seq BIGINT NOT NULL,
    revoked_at BIGINT,
    revoked_by BIGINT REFERENCES app_user(id),
    revoke_reason TEXT,
    revoke_seq BIGINT
);
CREATE UNIQUE INDEX certificate_current ON certificate (run_id, user_id) WHERE revoked_at IS NULL;
CREATE INDEX certificate_user ON certificate (user_id);
