-- 017 peer assessment (docs/assessments.md, "Peer assessment"): a unit of
-- kind "assignment" with its settings and rubric, the learners' submissions
-- (each version final once inserted), the allocation of reviewers, the
-- reviews, flags on unfair reviews, and the grades.
--
-- Facts are never updated: a resubmission is a new version; a grade is a
-- row of peer_grade and a trainer's override a later row pointing at the
-- one it replaces (overrides), each with its ledger entry
-- (assessment.submission, assessment.review, assessment.grade,
-- assessment.override) appended in the same transaction.
--
-- Scores are thousandths (1000 = 100 %); rubric points are whole points;
-- times are microseconds.

CREATE TABLE assignment (
    unit_id BIGINT PRIMARY KEY REFERENCES unit(id) ON DELETE CASCADE,
    org_id BIGINT NOT NULL REFERENCES org(id),
    instructions TEXT NOT NULL DEFAULT '',          -- Markdown
    rubric TEXT NOT NULL DEFAULT '{"criteria":[]}', -- JSON, checked by peer_rubric_from_json
    submit_by BIGINT,                               -- NULL: no deadline
    review_by BIGINT,                               -- NULL: no deadline
    reviewers BIGINT NOT NULL DEFAULT 3,            -- K reviews per submission
    self_assessment INTEGER NOT NULL DEFAULT 0,
    late_policy TEXT NOT NULL DEFAULT 'refuse' CHECK (late_policy IN ('accept', 'refuse', 'penalty')),
    late_penalty BIGINT NOT NULL DEFAULT 0,         -- thousandths taken off a late submission's grade
    no_review_policy TEXT NOT NULL DEFAULT 'none' CHECK (no_review_policy IN ('none', 'withhold', 'penalty')),
    no_review_penalty BIGINT NOT NULL DEFAULT 0,    -- thousandths
    grade_method TEXT NOT NULL DEFAULT 'median' CHECK (grade_method IN ('median', 'mean')),
    updated_at BIGINT NOT NULL
);

CREATE TABLE peer_submission (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES unit(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    version BIGINT NOT NULL,                        -- 1, 2, 3 ...: the last one counts
    body TEXT NOT NULL DEFAULT '',                  -- Markdown
    late INTEGER NOT NULL DEFAULT 0,
    submitted_at BIGINT NOT NULL,
    UNIQUE (unit_id, run_id, user_id, version)
);
CREATE INDEX peer_submission_run ON peer_submission (run_id, unit_id);

CREATE TABLE peer_submission_file (
    submission_id BIGINT NOT NULL REFERENCES peer_submission(id),
    position BIGINT NOT NULL,
    media_id BIGINT NOT NULL REFERENCES media(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    PRIMARY KEY (submission_id, position)
);

-- One row per (reviewer, author): who reviews whom.  self_review = 1 for a
-- self-assessment (reviewer = author), which never counts in the grade.
CREATE TABLE peer_allocation (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES unit(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    reviewer_id BIGINT NOT NULL REFERENCES app_user(id),
    author_id BIGINT NOT NULL REFERENCES app_user(id),
    self_review INTEGER NOT NULL DEFAULT 0,
    seed BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (unit_id, run_id, reviewer_id, author_id),
    CHECK (self_review = 1 OR reviewer_id <> author_id)
);
CREATE INDEX peer_allocation_author ON peer_allocation (unit_id, run_id, author_id);

-- Reviews are final once inserted (one per allocation).
CREATE TABLE peer_review (
    id {{ID}},
    allocation_id BIGINT NOT NULL UNIQUE REFERENCES peer_allocation(id),
    submission_id BIGINT NOT NULL REFERENCES peer_submission(id),   -- the version reviewed
    org_id BIGINT NOT NULL REFERENCES org(id),
    levels TEXT NOT NULL,                           -- JSON: the level picked per criterion
    points BIGINT NOT NULL,
    points_max BIGINT NOT NULL,
    score BIGINT NOT NULL,                          -- thousandths
    comment TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE TABLE peer_flag (
    id {{ID}},
    review_id BIGINT NOT NULL UNIQUE REFERENCES peer_review(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Grades: the computed grade (kind 'grade', once per learner), then any
-- number of overrides, each pointing at the row it replaces.  The last row
-- is the learner's grade.
CREATE TABLE peer_grade (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES unit(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    kind TEXT NOT NULL CHECK (kind IN ('grade', 'override')),
    status TEXT NOT NULL CHECK (status IN ('graded', 'withheld', 'no_reviews')),
    score BIGINT,                                   -- thousandths; NULL: none
    reviews BIGINT NOT NULL DEFAULT 0,              -- peer reviews counted
    overrides BIGINT REFERENCES peer_grade(id),
    reason TEXT,
    by_user BIGINT REFERENCES app_user(id),
    ledger_seq BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX peer_grade_learner ON peer_grade (unit_id, run_id, user_id, id);
CREATE UNIQUE INDEX peer_grade_once ON peer_grade (unit_id, run_id, user_id) WHERE kind = 'grade';
