-- 011 quiz: a quiz is a unit of kind "quiz" (docs/assessments.md).  Its
-- settings, its items (questions), the learners' attempts and their answers.
--
-- Items are immutable: a row of quiz_item is never updated, and never
-- deleted while an attempt points to it.  Replacing a quiz's items (a GIFT
-- import) retires the current rows (retired_at) and inserts new ones, so an
-- attempt keeps pointing at exactly the items it was shown: attempt.items
-- names them and the order they were shown in.
--
-- Answers are evidence: attempt_answer rows are inserted once, when the
-- attempt is submitted, and never updated; a submitted attempt is never
-- changed (a later regrade or override will be a record of its own).
--
-- Scores and the pass mark are thousandths (1000 = 100 %); times are
-- microseconds.  The quiz's settings and items go with the unit when an
-- unused unit is deleted (ON DELETE CASCADE); attempts never do: a unit with
-- attempts cannot be deleted.

CREATE TABLE quiz (
    unit_id BIGINT PRIMARY KEY REFERENCES unit(id) ON DELETE CASCADE,
    org_id BIGINT NOT NULL REFERENCES org(id),
    purpose TEXT NOT NULL DEFAULT 'formative' CHECK (purpose IN ('placement', 'formative', 'final')),
    attempts_allowed BIGINT NOT NULL DEFAULT 0,     -- 0: unlimited
    time_limit_s BIGINT NOT NULL DEFAULT 0,         -- 0: none
    opens_at BIGINT,                                -- NULL: always open
    closes_at BIGINT,                               -- NULL: never closes
    draw_count BIGINT NOT NULL DEFAULT 0,           -- items drawn per attempt; 0: all
    shuffle INTEGER NOT NULL DEFAULT 0,             -- items and choices in random order
    pass_mark BIGINT NOT NULL DEFAULT 0,            -- thousandths of the quiz
    feedback_when TEXT NOT NULL DEFAULT 'immediately'
        CHECK (feedback_when IN ('immediately', 'after_last', 'after_close')),
    grade_policy TEXT NOT NULL DEFAULT 'best' CHECK (grade_policy IN ('best', 'last', 'average')),
    updated_at BIGINT NOT NULL
);

CREATE TABLE quiz_item (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
    org_id BIGINT NOT NULL REFERENCES org(id),
    position BIGINT NOT NULL,
    item TEXT NOT NULL,                 -- the whole Item as JSON, answers and points included
    created_at BIGINT NOT NULL,
    retired_at BIGINT                   -- replaced by a later import; NULL: current
);
CREATE INDEX quiz_item_unit ON quiz_item (unit_id, retired_at, position);

CREATE TABLE attempt (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES unit(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    number BIGINT NOT NULL,             -- 1, 2, 3 ... per learner, unit and run
    items TEXT NOT NULL,                -- JSON: [{"id": quiz_item id, "order": [choice indexes as shown], ...}]
    started_at BIGINT NOT NULL,
    deadline_at BIGINT,                 -- start + time limit, or the close date if sooner; NULL: none
    submitted_at BIGINT,
    score BIGINT,                       -- thousandths of the quiz; NULL while in progress
    pending BIGINT NOT NULL DEFAULT 0,  -- items awaiting a person's grade (essays)
    status TEXT NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress', 'submitted', 'expired')),
    UNIQUE (unit_id, run_id, user_id, number)
);
CREATE INDEX attempt_run ON attempt (run_id, unit_id);
-- A learner has at most one attempt in progress per quiz and run.
CREATE UNIQUE INDEX attempt_open ON attempt (unit_id, run_id, user_id) WHERE status = 'in_progress';

CREATE TABLE attempt_answer (
    id {{ID}},
    attempt_id BIGINT NOT NULL REFERENCES attempt(id),
    quiz_item_id BIGINT NOT NULL REFERENCES quiz_item(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    response TEXT NOT NULL,             -- JSON: {"picks": [...], "text": "...", "texts": [...]} (item.h Response)
    score BIGINT,                       -- thousandths of the item; NULL: awaiting a person (essay) or nothing to grade
    UNIQUE (attempt_id, quiz_item_id)
);
