-- 037 a satisfaction survey scheduled to open by itself (docs/surveys.md,
-- "Opening it on a date"): the serve tick opens it at open_at and invites
-- the learners, once (done_at claims the row; opening the survey by hand
-- sets it too).
CREATE TABLE survey_schedule (
    run_id BIGINT PRIMARY KEY REFERENCES course_run(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    open_at BIGINT NOT NULL,
    scheduled_by BIGINT NOT NULL REFERENCES app_user(id),
    scheduled_at BIGINT NOT NULL,
    done_at BIGINT                              -- NULL: still to open
);
CREATE INDEX survey_schedule_due ON survey_schedule (done_at, open_at);
