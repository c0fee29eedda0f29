-- 035 satisfaction surveys (docs/surveys.md): one survey of a course run's
-- learners at a time, opened and closed by its trainers; every response is
-- a row with its answers and a ledger entry ("survey.response") in one
-- transaction.  The questions are the standard set in src/survey/survey.c,
-- named by code; answers keep the code, so the set can grow.
CREATE TABLE survey (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    run_id BIGINT NOT NULL UNIQUE REFERENCES course_run(id),
    opened_by BIGINT NOT NULL REFERENCES app_user(id),
    opened_at BIGINT NOT NULL,
    closed_at BIGINT,                           -- NULL: open
    reminded_at BIGINT                          -- the one reminder to who has not answered
);
CREATE INDEX survey_open ON survey (closed_at, reminded_at);
CREATE TABLE survey_response (
    id {{ID}},
    survey_id BIGINT NOT NULL REFERENCES survey(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    submitted_at BIGINT NOT NULL,
    ledger_seq BIGINT NOT NULL DEFAULT 0,
    UNIQUE (survey_id, user_id)
);
CREATE TABLE survey_answer (
    response_id BIGINT NOT NULL REFERENCES survey_response(id),
    question TEXT NOT NULL,
    rating BIGINT,                              -- 1..5 (rating), 0 or 1 (yes/no); NULL for text
    answer_text TEXT,                           -- free text; NULL for the others
    PRIMARY KEY (response_id, question)
);
