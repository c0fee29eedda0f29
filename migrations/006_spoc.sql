-- 006 spoc: private sessions (SPOC) are joined with an invitation link or a
-- short code (K7QF-29XD: no 0, O, 1, I or L), optionally after a trainer's
-- approval. A new code replaces the old one, which stops working at once.
-- The existing course_run.trainer_id is the session's named trainer.
--
-- Requests to join are a table of their own rather than more statuses of
-- enrolment: the decision (who, when, what was answered) stays as evidence
-- after the learner leaves or is refused, and SQLite cannot change the CHECK
-- of enrolment without rebuilding the table. `message` is the learner's
-- note with the request, `reply` the answer of the person who decided.
ALTER TABLE course_run ADD COLUMN join_code TEXT;
ALTER TABLE course_run ADD COLUMN approval INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX course_run_join_code ON course_run (join_code);

CREATE TABLE enrolment_request (
    id {{ID}},
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
    message TEXT NOT NULL DEFAULT '',
    reply TEXT NOT NULL DEFAULT '',
    decided_by BIGINT REFERENCES app_user(id),
    decided_at BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (run_id, user_id)
);
CREATE INDEX enrolment_request_run ON enrolment_request (run_id, status);
CREATE INDEX enrolment_request_user ON enrolment_request (user_id, status);
