-- 026 answers in progress (docs/assessments.md "Answers in progress are
-- saved"): the learner's latest answers of an attempt still in progress,
-- saved as they type so that a reload, a closed tab or a lost connection
-- loses nothing.  One row per attempt, replaced on each save (shown
-- positions, as the learner sends them).  A working copy, not evidence:
-- no ledger entry; the submission writes the answers (attempt_answer) and
-- removes the draft in the same transaction.
CREATE TABLE attempt_draft (
    attempt_id BIGINT PRIMARY KEY REFERENCES attempt(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    responses TEXT NOT NULL,            -- JSON: {"quiz_item_id": learner response, ...}
    saved_at BIGINT NOT NULL
);
