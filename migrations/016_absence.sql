-- 016 absences and justifications (docs/attendance.md "Absences"): once a
-- live session's signing window has closed, each expected learner without a
-- signature for one of its half-days gets an absence row; a learner submits
-- justifications (a reason and an optional file from the media store); an
-- administrator decides on them.
--
-- absence, absence_justification and absence_decision rows are never
-- updated or deleted: each is also an entry of the organisation's evidence
-- ledger ("attendance.absence", "attendance.justification",
-- "attendance.decision"), appended in the same transaction.  A new decision
-- on a justification supersedes the previous one (supersedes, unique: a
-- decision is superseded once) and its ledger entry is a correction of the
-- previous decision's entry.

ALTER TABLE live_session ADD COLUMN absences_at BIGINT;    -- when the absences were recorded (window closed)
ALTER TABLE live_session ADD COLUMN reminded_at BIGINT;    -- when the "you have not signed" reminders went out
-- what the tick looks for every few seconds: sessions whose absences are not recorded, or not reminded yet
CREATE INDEX live_session_absences_due ON live_session (ends_at) WHERE absences_at IS NULL;
CREATE INDEX live_session_remind_due ON live_session (starts_at) WHERE reminded_at IS NULL;

CREATE TABLE absence (
    id {{ID}},
    session_id BIGINT NOT NULL REFERENCES live_session(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    half_day TEXT NOT NULL CHECK (half_day IN ('am', 'pm')),
    recorded_at BIGINT NOT NULL,
    UNIQUE (session_id, user_id, half_day)
);
CREATE INDEX absence_user ON absence (org_id, user_id, recorded_at);

CREATE TABLE absence_justification (
    id {{ID}},
    absence_id BIGINT NOT NULL REFERENCES absence(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    reason TEXT NOT NULL,
    media_id BIGINT REFERENCES media(id),       -- the supporting document, optional
    created_at BIGINT NOT NULL
);
CREATE INDEX absence_justification_absence ON absence_justification (absence_id, id);
CREATE INDEX absence_justification_org ON absence_justification (org_id, created_at);

CREATE TABLE absence_decision (
    id {{ID}},
    justification_id BIGINT NOT NULL REFERENCES absence_justification(id),
    org_id BIGINT NOT NULL REFERENCES org(id),
    decision TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
    comment TEXT NOT NULL DEFAULT '',
    decided_by BIGINT NOT NULL REFERENCES app_user(id),
    decided_at BIGINT NOT NULL,
    supersedes BIGINT UNIQUE REFERENCES absence_decision(id)
);
CREATE INDEX absence_decision_justification ON absence_decision (justification_id, id);
-- one first decision per justification (later ones supersede, uniquely): two
-- administrators deciding at once cannot both win
CREATE UNIQUE INDEX absence_decision_first ON absence_decision (justification_id) WHERE supersedes IS NULL;

-- "You were absent and have not justified it" e-mails: one per absence.
CREATE TABLE absence_reminder (
    absence_id BIGINT PRIMARY KEY REFERENCES absence(id),
    sent_at BIGINT NOT NULL
);

-- Connection sessions (docs/attendance.md "Connection record"): a learner's
-- closed connection session of a run, as computed from the heartbeats
-- (src/content/activity.c) when it closed, recorded once (UNIQUE) with its
-- ledger entry ("connection.session").  Never updated.
CREATE TABLE connection_session (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    user_id BIGINT NOT NULL REFERENCES app_user(id),
    started_at BIGINT NOT NULL,
    ended_at BIGINT NOT NULL,
    active_ms BIGINT NOT NULL,
    beats BIGINT NOT NULL,
    capped INTEGER NOT NULL DEFAULT 0,
    ip TEXT NOT NULL DEFAULT '',
    recorded_at BIGINT NOT NULL,
    UNIQUE (run_id, user_id, started_at)
);

-- All the attendance sheets of a run as one ZIP, made in the background by
-- `lectern serve`'s tick (docs/attendance.md "All the sheets of a run"):
-- `done` of `total` sheets so far, for the progress bar.  The ZIP is
-- DATA/tmp/sheets-ID.zip.
CREATE TABLE sheet_job (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES org(id),
    run_id BIGINT NOT NULL REFERENCES course_run(id),
    created_by BIGINT NOT NULL REFERENCES app_user(id),
    lang TEXT NOT NULL DEFAULT 'en',
    total BIGINT NOT NULL,
    done BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    locked_until BIGINT NOT NULL DEFAULT 0,     -- the process making it holds it until then
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX sheet_job_status ON sheet_job (status, locked_until);
