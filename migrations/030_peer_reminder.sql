-- 030 peer assessment reminds, a day before each deadline, the learners
-- who opened the assignment and have not submitted ('submit_reminder') and
-- the reviewers who still have reviews to do ('review_reminder')
-- (docs/assessments.md "Peer assessment"): at most one of each per person,
-- run and assignment.  SQLite cannot change a CHECK constraint, so the table
-- is made again; its rows keep their order (nothing refers to their ids).
CREATE TABLE peer_notice_new (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES unit(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    kind TEXT NOT NULL CHECK (kind IN ('reviews', 'grade', 'submit_reminder', 'review_reminder')),
    reviews BIGINT NOT NULL DEFAULT 0,      -- reviews: how many were given; review_reminder: how many are left
    created_at BIGINT NOT NULL,
    sent_at BIGINT                          -- NULL: the e-mail is still to be queued
);
INSERT INTO peer_notice_new (unit_id, run_id, user_id, org_id, kind, reviews, created_at, sent_at)
    SELECT unit_id, run_id, user_id, org_id, kind, reviews, created_at, sent_at FROM peer_notice ORDER BY id;
DROP TABLE peer_notice;
ALTER TABLE peer_notice_new RENAME TO peer_notice;
CREATE INDEX peer_notice_due ON peer_notice (sent_at, id);
CREATE UNIQUE INDEX peer_notice_reminder ON peer_notice (unit_id, run_id, user_id, kind)
    WHERE kind IN ('submit_reminder', 'review_reminder');
