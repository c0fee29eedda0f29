-- 014 gradebook (docs/assessments.md, "Gradebook"): what people decide about
-- grades after an attempt was submitted.  Answers and attempts are evidence
-- and are never updated (011): every decision here is a row of its own,
-- inserted with its ledger entry in one transaction, never updated either;
-- a later decision about the same thing is a new row naming the one it
-- replaces.  The latest row counts.
--
--   answer_grade     one answer's score: a trainer grading an essay, or a
--                    regrade after a key was fixed
--   attempt_rescore  the attempt's score recomputed after that
--   grade_override   a trainer's grade for a learner's quiz (or one
--                    attempt), with a mandatory reason
--   item_fix         a quiz item whose key was fixed: the retired row and
--                    the new version that replaced it
--   quiz_weight, course_grading   the gradebook's settings (not evidence)
--
-- Scores are thousandths (1000 = 100 %); times are microseconds.

CREATE TABLE answer_grade (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    attempt_id BIGINT NOT NULL REFERENCES attempt(id),
    quiz_item_id BIGINT NOT NULL REFERENCES quiz_item(id),      -- the item the attempt showed
    graded_item_id BIGINT NOT NULL REFERENCES quiz_item(id),    -- the version whose key graded it
    kind TEXT NOT NULL CHECK (kind IN ('essay', 'regrade')),
    score BIGINT NOT NULL CHECK (score >= 0 AND score <= 1000), -- thousandths of the item
    comment TEXT NOT NULL DEFAULT '',
    replaces BIGINT REFERENCES answer_grade(id),
    graded_by BIGINT REFERENCES app_user(id),
    graded_at BIGINT NOT NULL
);
CREATE INDEX answer_grade_attempt ON answer_grade (attempt_id, quiz_item_id, id);

CREATE TABLE attempt_rescore (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    attempt_id BIGINT NOT NULL REFERENCES attempt(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    unit_id BIGINT NOT NULL REFERENCES unit(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    kind TEXT NOT NULL CHECK (kind IN ('essay', 'regrade')),
    score BIGINT NOT NULL,              -- thousandths of the quiz
    pending BIGINT NOT NULL,            -- items still awaiting a person
    previous_score BIGINT NOT NULL,     -- the attempt's score before this
    reason TEXT NOT NULL DEFAULT '',
    replaces BIGINT REFERENCES attempt_rescore(id),
    created_by BIGINT REFERENCES app_user(id),
    created_at BIGINT NOT NULL,
    ledger_seq BIGINT                   -- its entry in the ledger (with the answer_grade rows it follows)
);
CREATE INDEX attempt_rescore_attempt ON attempt_rescore (attempt_id, id);
CREATE INDEX attempt_rescore_run ON attempt_rescore (run_id, unit_id);

CREATE TABLE grade_override (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    unit_id BIGINT NOT NULL REFERENCES unit(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    attempt_id BIGINT REFERENCES attempt(id),   -- NULL: the learner's grade for the quiz
    score BIGINT NOT NULL CHECK (score >= 0 AND score <= 1000),
    previous_score BIGINT,              -- the grade it corrects; NULL: there was none
    reason TEXT NOT NULL CHECK (reason <> ''),
    replaces BIGINT REFERENCES grade_override(id),
    created_by BIGINT REFERENCES app_user(id),
    created_at BIGINT NOT NULL,
    ledger_seq BIGINT
);
CREATE INDEX grade_override_run ON grade_override (run_id, unit_id, user_id, id);
CREATE INDEX grade_override_attempt ON grade_override (attempt_id, id);

CREATE TABLE item_fix (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    unit_id BIGINT NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
    old_item_id BIGINT NOT NULL REFERENCES quiz_item(id) ON DELETE CASCADE,
    new_item_id BIGINT NOT NULL REFERENCES quiz_item(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    created_by BIGINT REFERENCES app_user(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX item_fix_new ON item_fix (new_item_id);

CREATE TABLE quiz_weight (
    unit_id BIGINT PRIMARY KEY REFERENCES unit(id) ON DELETE CASCADE,
    org_id BIGINT NOT NULL REFERENCES org(id),
    weight BIGINT NOT NULL CHECK (weight >= 0 AND weight <= 1000000),  -- default 1000: equal weights
    updated_at BIGINT NOT NULL
);

CREATE TABLE course_grading (
    course_id BIGINT PRIMARY KEY REFERENCES course(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    pass_mark BIGINT NOT NULL DEFAULT 500,      -- thousandths of the course grade
    require_grade INTEGER NOT NULL DEFAULT 0,   -- 1: completing the course needs the pass mark
    updated_at BIGINT NOT NULL
);
