-- 004 enrolment: a learner in a course run. Withdrawing keeps the row (the
-- history matters for evidence); enrolling again reactivates it.
CREATE TABLE enrolment (
    id {{ID}},
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    status TEXT NOT NULL CHECK (status IN ('active', 'withdrawn')),
    enrolled_at BIGINT NOT NULL,
    withdrawn_at BIGINT,
    completed_at BIGINT,
    UNIQUE (run_id, user_id)
);
CREATE INDEX enrolment_user ON enrolment (user_id, status);
