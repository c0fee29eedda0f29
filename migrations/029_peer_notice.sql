-- 029 peer assessment tells people by e-mail (docs/assessments.md "Peer
-- assessment"): a reviewer when submissions are given to them to review,
-- an author when their grade is recorded.  A row is written in the
-- transaction that allocated or graded, and the serve tick turns it into
-- an e-mail (sent_at set in the same transaction as the outbox row).
CREATE TABLE peer_notice (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES unit(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    kind TEXT NOT NULL CHECK (kind IN ('reviews', 'grade')),
    reviews BIGINT NOT NULL DEFAULT 0,      -- kind reviews: how many were given
    created_at BIGINT NOT NULL,
    sent_at BIGINT                          -- NULL: the e-mail is still to be queued
);
CREATE INDEX peer_notice_due ON peer_notice (sent_at, id);
