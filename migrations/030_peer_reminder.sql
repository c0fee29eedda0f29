-- 030 peer assessment reminds the reviewers who still have reviews to do a
-- day before the review deadline (docs/assessments.md "Peer assessment"):
-- peer_notice gains the kind 'reminder', at most one per reviewer, run and
-- assignment.  SQLite cannot change a CHECK constraint, so the table is
-- made again; its rows keep their order (nothing refers to their ids).
CREATE TABLE peer_notice_new (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES unit(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    kind TEXT NOT NULL CHECK (kind IN ('reviews', 'grade', 'reminder')),
    reviews BIGINT NOT NULL DEFAULT 0,      -- kinds reviews and reminder: how many were given, how many are left
    created_at BIGINT NOT NULL,
    sent_at BIGINT                          -- NULL: the e-mail is still to be queued
);
INSERT INTO peer_notice_new (unit_id, run_id, user_id, org_id, kind, reviews, created_at, sent_at)
    SELECT unit_id, run_id, user_id, org_id, kind, reviews, created_at, sent_at FROM peer_notice ORDER BY id;
DROP TABLE peer_notice;
ALTER TABLE peer_notice_new RENAME TO peer_notice;
CREATE INDEX peer_notice_due ON peer_notice (sent_at, id);
CREATE UNIQUE INDEX peer_notice_reminder ON peer_notice (unit_id, run_id, user_id) WHERE kind = 'reminder';
